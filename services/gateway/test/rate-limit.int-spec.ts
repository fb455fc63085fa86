import { call, createTenant, type Stack, startStack } from './support/gateway';
import { type RunningService, startService } from '../../../test/support/service-process';

describe('gateway rate limiting', () => {
  let stack: Stack;
  let replica: RunningService;

  beforeAll(async () => {
    stack = await startStack([], { RATE_LIMIT_MAX: '100' });
    replica = await startService('gateway');
  }, 180_000);

  afterAll(async () => {
    await Promise.all([stack?.stop(), replica?.stop()]);
  });

  it('answers the 101st request of a window with 429 and Retry-After, counted across replicas', async () => {
    const tenant = await createTenant(stack.gateway.url, stack.adminKey);
    const path = `/v1/orgs/${tenant.orgId}`;
    for (let i = 0; i < 100; i += 1) {
      // Alternate replicas: the limit is one shared budget, not one per process.
      const base = i % 2 === 0 ? stack.gateway.url : replica.url;
      const res = await call(base, 'GET', path, { key: tenant.key });
      expect(res.status).toBe(200);
    }
    const over = await call(stack.gateway.url, 'GET', path, { key: tenant.key });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(over.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // Another key of the same org has its own budget.
    const other = await createTenant(stack.gateway.url, stack.adminKey);
    expect((await call(replica.url, 'GET', `/v1/orgs/${other.orgId}`, { key: other.key })).status).toBe(200);
  });
});
