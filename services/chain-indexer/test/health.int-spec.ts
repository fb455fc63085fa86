import { expectHealthy, expectStandardEndpoints } from '../../../test/support/health-expectations';
import { type RunningService, startService } from '../../../test/support/service-process';

// The project-level testTimeout in jest.config.js is not applied per project; set it here.
jest.setTimeout(60_000);

describe('chain-indexer service health', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService('chain-indexer');
    console.log(`chain-indexer booted in ${service.bootMs} ms`);
  }, 60_000);

  afterAll(async () => {
    const stopped = await service?.stop();
    console.log(`chain-indexer stopped in ${stopped?.ms} ms`);
  });

  it('reports 200 with db, kafka, rpc up and the indexer not halted', async () => {
    await expectHealthy(service, ['db', 'indexer', 'kafka', 'rpc']);
  });

  it('serves its OpenAPI document, metrics and problem+json errors with request ids', async () => {
    await expectStandardEndpoints(service);
  });

  it('shuts down promptly on SIGTERM', async () => {
    const { ms } = await service.stop();
    expect(ms).toBeLessThan(10_000);
    expect(service.child.signalCode === 'SIGTERM' || service.child.exitCode === 0).toBe(true);
  });
});
