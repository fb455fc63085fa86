import { randomUUID } from 'node:crypto';
import { call, createTenant, issueKey, type Stack, startStack, type Tenant } from './support/gateway';
import { loadOpenApi, operations } from './support/openapi-doc';

/*
 * Every route of the public document whose path names an object is listed here with a way to create org
 * B's object. The suite fails when a route has no entry, so a new object route needs a tenant check test.
 * Each case calls the route with org A's key on B's object, expects 404, and compares B's view of the
 * object before and after.
 */

type Params = Record<string, string>;

interface Case {
  /** Creates B's object; returns the path parameters naming it. */
  setup(ctx: Ctx, b: Tenant): Promise<Params>;
  /** A GET (as B) whose answer must not change. */
  probe: string;
  body?: unknown;
}

interface Pending {
  pending: string;
}

interface Ctx {
  base: string;
  adminKey: string;
}

const datasetInput = (name: string): Record<string, unknown> => ({
  kind: 'dataset',
  name,
  description: 'Labelled street scenes',
  tags: ['vision'],
  metadata: { format: 'parquet', rows: 1000, columns: 12 },
  licence: { commercialUse: true, derivatives: true, redistribution: false, attribution: true },
  pricing: { model: 'fixed', price: '2500000000000000000' },
  mediaType: 'application/vnd.apache.parquet',
});

async function resourceOf(ctx: Ctx, b: Tenant): Promise<Params> {
  const res = await call(ctx.base, 'POST', '/v1/catalog/resources', {
    key: b.key,
    body: datasetInput(`r-${randomUUID()}`),
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, version: '1' };
}

const ownOrg = (_ctx: Ctx, b: Tenant): Promise<Params> => Promise.resolve({ orgId: b.orgId });

const CASES: Record<string, Case | Pending> = {
  'GET /v1/orgs/{orgId}': { setup: ownOrg, probe: '/v1/orgs/{orgId}' },
  'GET /v1/orgs/{orgId}/api-keys': { setup: ownOrg, probe: '/v1/orgs/{orgId}/api-keys' },
  'POST /v1/orgs/{orgId}/api-keys': {
    setup: ownOrg,
    probe: '/v1/orgs/{orgId}/api-keys',
    body: { name: 'intruder', scopes: ['catalog:read'] },
  },
  'DELETE /v1/orgs/{orgId}/api-keys/{keyId}': {
    setup: async (ctx, b) => ({
      orgId: b.orgId,
      keyId: (await issueKey(ctx.base, b.key, b.orgId, ['catalog:read'])).id,
    }),
    probe: '/v1/orgs/{orgId}/api-keys',
  },
  'GET /v1/catalog/resources/{id}': { setup: resourceOf, probe: '/v1/catalog/resources/{id}' },
  'PATCH /v1/catalog/resources/{id}': {
    setup: resourceOf,
    probe: '/v1/catalog/resources/{id}',
    body: { name: 'renamed by another org' },
  },
  'DELETE /v1/catalog/resources/{id}': { setup: resourceOf, probe: '/v1/catalog/resources/{id}' },
  'POST /v1/catalog/resources/{id}/list': { setup: resourceOf, probe: '/v1/catalog/resources/{id}' },
  'POST /v1/catalog/resources/{id}/delist': { setup: resourceOf, probe: '/v1/catalog/resources/{id}' },
  'GET /v1/catalog/resources/{id}/similar': { setup: resourceOf, probe: '/v1/catalog/resources/{id}' },
  'POST /v1/catalog/resources/{id}/versions': {
    setup: resourceOf,
    probe: '/v1/catalog/resources/{id}',
    body: { mediaType: 'application/octet-stream' },
  },
  'GET /v1/catalog/resources/{id}/versions/{version}': {
    setup: resourceOf,
    probe: '/v1/catalog/resources/{id}/versions/{version}',
  },
  'GET /v1/content/{resourceId}/download': { pending: 'needs a sealed upload and a licence (drm + payments + chain)' },
  'POST /v1/content/{resourceId}/key': { pending: 'needs a sealed upload and a licence (drm + payments + chain)' },
  'GET /v1/orders/{orderId}': { pending: 'needs a settled order (payments + chain-indexer + anvil purchase)' },
  'POST /v1/orders/{orderId}/submission': { pending: 'needs a quoted order (payments)' },
  'POST /v1/orders/{orderId}/refund-requests': { pending: 'needs a settled order (payments + chain)' },
  'POST /v1/payments/admin/refund-requests/{id}/approve': { pending: 'admin-only route: no tenant boundary to test' },
  'POST /v1/payments/admin/refund-requests/{id}/reject': { pending: 'admin-only route: no tenant boundary to test' },
};

function fill(path: string, params: Params): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (!(name in params)) {
      throw new Error(`no value for {${name}} in ${path}`);
    }
    return params[name];
  });
}

const objectRoutes = operations(loadOpenApi())
  .filter((op) => op.path.includes('{'))
  .map((op) => `${op.method} ${op.path}`);

describe('cross-tenant isolation of object routes', () => {
  let stack: Stack;
  let ctx: Ctx;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    stack = await startStack(['catalog']);
    ctx = { base: stack.gateway.url, adminKey: stack.adminKey };
    a = await createTenant(ctx.base, ctx.adminKey);
    b = await createTenant(ctx.base, ctx.adminKey);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('has a case for every object route in the OpenAPI document', () => {
    expect(objectRoutes.filter((route) => !(route in CASES))).toEqual([]);
  });

  for (const route of objectRoutes) {
    const entry = CASES[route];
    if (!entry) {
      continue;
    }
    if ('pending' in entry) {
      it.todo(`${route}: ${entry.pending}`);
      continue;
    }
    it(`${route}: org A's key on org B's object gets 404 and nothing changes`, async () => {
      const [method, path] = route.split(' ');
      const params = await entry.setup(ctx, b);
      const probe = fill(entry.probe, params);
      const before = await call(ctx.base, 'GET', probe, { key: b.key });
      expect(before.status).toBe(200);
      const res = await call(ctx.base, method, fill(path, params), { key: a.key, body: entry.body });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const after = await call(ctx.base, 'GET', probe, { key: b.key });
      expect(after.body).toEqual(before.body);
    });
  }
});
