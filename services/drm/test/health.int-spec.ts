import { admin } from '../../../test/support/auth';
import {
  expectHealthy,
  expectInternalTokenRequired,
  expectStandardEndpoints,
} from '../../../test/support/health-expectations';
import { type RunningService, startService, stackCtl, waitFor } from '../../../test/support/service-process';

// The project-level testTimeout in jest.config.js is not applied per project; set it here.
jest.setTimeout(60_000);

describe('drm service health', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService('drm');
    console.log(`drm booted in ${service.bootMs} ms`);
  }, 60_000);

  afterAll(async () => {
    const stopped = await service?.stop();
    console.log(`drm stopped in ${stopped?.ms} ms`);
  });

  it('reports 200 with db, kafka, s3 up', async () => {
    await expectHealthy(service, ['db', 'kafka', 's3']);
  });

  it('serves its OpenAPI document, metrics and problem+json errors with request ids', async () => {
    await expectStandardEndpoints(service);
  });

  it('refuses a direct call without the internal token with 401 problem+json, and serves one with it', async () => {
    await expectInternalTokenRequired(service, '/keys', admin());
  });

  it('answers 503 naming s3 while s3 is stopped, and 200 again once it is back', async () => {
    let restarted = false;
    const stoppedMs = await stackCtl('stop', 's3');
    try {
      const down = await waitFor(
        async () => {
          const report = await service.health();
          return report.status === 503 ? report : undefined;
        },
        { timeoutMs: 15_000, what: '/health to report s3 down' },
      );
      expect(down.body.status).toBe('error');
      expect(down.body.error?.['s3']?.status).toBe('down');
      expect(Object.keys(down.body.error ?? {})).toEqual(['s3']);
      expect(down.body.info?.db?.status).toBe('up');
      const startedMs = await stackCtl('start', 's3');
      restarted = true;
      const t0 = Date.now();
      await waitFor(async () => (await service.health()).status === 200, {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: '/health to recover',
      });
      const backMs = Date.now() - t0;
      console.log(`drm: s3 stop ${stoppedMs} ms, start ${startedMs} ms, healthy again ${backMs} ms after start`);
    } finally {
      if (!restarted) {
        await stackCtl('start', 's3');
      }
    }
    await expectHealthy(service, ['db', 'kafka', 's3']);
    expect(service.child.exitCode).toBeNull();
  });

  it('shuts down promptly on SIGTERM', async () => {
    const { ms } = await service.stop();
    expect(ms).toBeLessThan(10_000);
    expect(service.child.signalCode === 'SIGTERM' || service.child.exitCode === 0).toBe(true);
  });
});
