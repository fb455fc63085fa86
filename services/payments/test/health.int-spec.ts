import { randomUUID } from 'node:crypto';
import { partner } from '../../../test/support/auth';
import {
  expectHealthy,
  expectInternalTokenRequired,
  expectStandardEndpoints,
} from '../../../test/support/health-expectations';
import { type RunningService, startService } from '../../../test/support/service-process';

// The project-level testTimeout in jest.config.js is not applied per project; set it here.
jest.setTimeout(60_000);

describe('payments service health', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService('payments');
    console.log(`payments booted in ${service.bootMs} ms`);
  }, 60_000);

  afterAll(async () => {
    const stopped = await service?.stop();
    console.log(`payments stopped in ${stopped?.ms} ms`);
  });

  it('reports 200 with db, kafka, rpc up', async () => {
    await expectHealthy(service, ['db', 'kafka', 'rpc']);
  });

  it('serves its OpenAPI document, metrics and problem+json errors with request ids', async () => {
    await expectStandardEndpoints(service);
  });

  it('refuses a direct call without the internal token with 401 problem+json, and serves one with it', async () => {
    await expectInternalTokenRequired(service, '/orders', partner(randomUUID()));
  });

  it('shuts down promptly on SIGTERM', async () => {
    const { ms } = await service.stop();
    expect(ms).toBeLessThan(10_000);
    expect(service.child.signalCode === 'SIGTERM' || service.child.exitCode === 0).toBe(true);
  });
});
