import { expectHealthy, expectStandardEndpoints } from '../../../test/support/health-expectations';
import { type RunningService, startService, stackCtl, waitFor } from '../../../test/support/service-process';

// The project-level testTimeout in jest.config.js is not applied per project; set it here.
jest.setTimeout(60_000);

describe('catalog service health', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService('catalog');
    console.log(`catalog booted in ${service.bootMs} ms`);
  }, 60_000);

  afterAll(async () => {
    const stopped = await service?.stop();
    console.log(`catalog stopped in ${stopped?.ms} ms`);
  });

  it('reports 200 with db, kafka up', async () => {
    await expectHealthy(service, ['db', 'kafka']);
  });

  it('serves its OpenAPI document, metrics and problem+json errors with request ids', async () => {
    await expectStandardEndpoints(service);
  });

  it('answers 503 naming kafka while kafka is stopped, and 200 again once it is back', async () => {
    let restarted = false;
    const stoppedMs = await stackCtl('stop', 'kafka');
    try {
      const down = await waitFor(
        async () => {
          const report = await service.health();
          return report.status === 503 ? report : undefined;
        },
        { timeoutMs: 15_000, what: '/health to report kafka down' },
      );
      expect(down.body.status).toBe('error');
      expect(down.body.error?.['kafka']?.status).toBe('down');
      expect(Object.keys(down.body.error ?? {})).toEqual(['kafka']);
      expect(down.body.info?.db?.status).toBe('up');
      const startedMs = await stackCtl('start', 'kafka');
      restarted = true;
      const t0 = Date.now();
      await waitFor(async () => (await service.health()).status === 200, {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: '/health to recover',
      });
      const backMs = Date.now() - t0;
      console.log(`catalog: kafka stop ${stoppedMs} ms, start ${startedMs} ms, healthy again ${backMs} ms after start`);
    } finally {
      if (!restarted) {
        await stackCtl('start', 'kafka');
      }
    }
    await expectHealthy(service, ['db', 'kafka']);
    expect(service.child.exitCode).toBeNull();
  });

  it('shuts down promptly on SIGTERM', async () => {
    const { ms } = await service.stop();
    expect(ms).toBeLessThan(10_000);
    expect(service.child.signalCode === 'SIGTERM' || service.child.exitCode === 0).toBe(true);
  });
});
