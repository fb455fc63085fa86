import { randomBytes, randomUUID } from 'node:crypto';
import { type Platform, startPlatform } from '../../../test/e2e/support/platform';
import { waitFor } from '../../../test/support/service-process';
import { call, createTenant, issueKey, type Reply, type Tenant } from './support/gateway';
import { loadOpenApi, operations } from './support/openapi-doc';
import { failDelivery, type Purchase, settledPurchase } from './support/purchase';

/*
 * Every route of the public document whose path names an object is listed here with what another party
 * must get on it. The suite fails when a route has no entry, so a new object route needs a tenant check test.
 * - 'tenant': another org's key (and, for orders, another wallet) on B's object gets 404, and B's view of
 *   the object is the same before and after.
 * - 'licence-gated': content is released against a licence, not an owner; see LICENCE_GATED.
 * - 'admin-only': there is no tenant to cross; a partner key gets 403 and the object is left alone.
 * The objects are set up once: one platform, one purchase (settled order + licence), one quoted order.
 */

jest.setTimeout(60_000);

const CONFIRMATIONS = 2;

type Params = Record<string, string>;
type Who = 'orgA' | 'otherWallet';

interface Ctx {
  base: string;
  adminKey: string;
  a: Tenant;
  b: Tenant;
  purchase: Purchase;
  /** Opened by the buyer in the refund-requests case; the admin cases act on it. */
  refundRequestId?: string;
}

interface Intruder {
  who: Who;
  status: 403 | 404;
}

interface TenantCase {
  kind: 'tenant';
  /** Names B's object. */
  setup(ctx: Ctx): Promise<Params>;
  /** A GET whose answer, as the owner, must not change. */
  probe: string;
  /** The owner: org B's key, or the buyer wallet for orders. */
  owner?: 'orgB' | 'buyer';
  intruders?: Intruder[];
  body?: unknown;
  /** A further check, as the owner, that the call recorded nothing. */
  after?(ctx: Ctx): Promise<void>;
}

/**
 * Not 404: a listed resource's existence is public (the catalog shows it to everyone), so hiding it here would
 * protect nothing. What protects the content is the licence: a wallet without one gets 403 "No licence for this
 * resource", and a partner key gets 403 because content is released to buyer wallets only. Either way nothing
 * is released: the answer is a problem document, with no wrapped key, no URL and no content bytes.
 */
interface LicenceGatedCase {
  kind: 'licence-gated';
  body?(ctx: Ctx): unknown;
}

/** Admin scope only: a partner key gets 403 (missing scope) and the refund request stays open. */
interface AdminOnlyCase {
  kind: 'admin-only';
}

type Case = TenantCase | LicenceGatedCase | AdminOnlyCase;

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

async function resourceOf(ctx: Ctx): Promise<Params> {
  const res = await call(ctx.base, 'POST', '/v1/catalog/resources', {
    key: ctx.b.key,
    body: datasetInput(`r-${randomUUID()}`),
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, version: '1' };
}

const ownOrg = (ctx: Ctx): Promise<Params> => Promise.resolve({ orgId: ctx.b.orgId });
const settledOrder = (ctx: Ctx): Promise<Params> => Promise.resolve({ orderId: ctx.purchase.settledOrderId });
const quotedOrder = (ctx: Ctx): Promise<Params> => Promise.resolve({ orderId: ctx.purchase.quotedOrderId });

/** Orders belong to the buying wallet: neither another org's key nor another wallet may see them. */
const ORDER_INTRUDERS: Intruder[] = [
  { who: 'orgA', status: 404 },
  { who: 'otherWallet', status: 404 },
];

/** The buyer's licence for the settled order, found through the buyer's own list. */
async function settledLicence(ctx: Ctx): Promise<Params> {
  const res = await call(ctx.base, 'GET', '/v1/licences', { token: ctx.purchase.buyerToken });
  expect(res.status).toBe(200);
  const licence = (res.body.items as { id: string; orderId: string }[]).find(
    (l) => l.orderId === ctx.purchase.settledOrderId.toLowerCase(),
  );
  if (!licence) {
    throw new Error(`no licence listed for order ${ctx.purchase.settledOrderId}`);
  }
  return { id: licence.id };
}

const buyerAsks = (ctx: Ctx): Promise<Reply> =>
  call(ctx.base, 'POST', `/v1/orders/${ctx.purchase.settledOrderId}/refund-requests`, {
    token: ctx.purchase.buyerToken,
    body: { reason: 'the download failed its integrity check' },
  });

const CASES: Record<string, Case> = {
  'GET /v1/orgs/{orgId}': { kind: 'tenant', setup: ownOrg, probe: '/v1/orgs/{orgId}' },
  'GET /v1/orgs/{orgId}/api-keys': { kind: 'tenant', setup: ownOrg, probe: '/v1/orgs/{orgId}/api-keys' },
  'POST /v1/orgs/{orgId}/api-keys': {
    kind: 'tenant',
    setup: ownOrg,
    probe: '/v1/orgs/{orgId}/api-keys',
    body: { name: 'intruder', scopes: ['catalog:read'] },
  },
  'DELETE /v1/orgs/{orgId}/api-keys/{keyId}': {
    kind: 'tenant',
    setup: async (ctx) => ({
      orgId: ctx.b.orgId,
      keyId: (await issueKey(ctx.base, ctx.b.key, ctx.b.orgId, ['catalog:read'])).id,
    }),
    probe: '/v1/orgs/{orgId}/api-keys',
  },
  'GET /v1/catalog/resources/{id}': { kind: 'tenant', setup: resourceOf, probe: '/v1/catalog/resources/{id}' },
  'PATCH /v1/catalog/resources/{id}': {
    kind: 'tenant',
    setup: resourceOf,
    probe: '/v1/catalog/resources/{id}',
    body: { name: 'renamed by another org' },
  },
  'DELETE /v1/catalog/resources/{id}': { kind: 'tenant', setup: resourceOf, probe: '/v1/catalog/resources/{id}' },
  'POST /v1/catalog/resources/{id}/list': { kind: 'tenant', setup: resourceOf, probe: '/v1/catalog/resources/{id}' },
  'POST /v1/catalog/resources/{id}/delist': {
    kind: 'tenant',
    setup: resourceOf,
    probe: '/v1/catalog/resources/{id}',
  },
  'GET /v1/catalog/resources/{id}/similar': {
    kind: 'tenant',
    setup: resourceOf,
    probe: '/v1/catalog/resources/{id}',
  },
  'POST /v1/catalog/resources/{id}/versions': {
    kind: 'tenant',
    setup: resourceOf,
    probe: '/v1/catalog/resources/{id}',
    body: { mediaType: 'application/octet-stream' },
  },
  'GET /v1/catalog/resources/{id}/versions/{version}': {
    kind: 'tenant',
    setup: resourceOf,
    probe: '/v1/catalog/resources/{id}/versions/{version}',
  },
  'GET /v1/content/{resourceId}/download': { kind: 'licence-gated' },
  'POST /v1/content/{resourceId}/key': {
    kind: 'licence-gated',
    // The intruder's own key, so the refusal is about the licence and not a key/wallet mismatch.
    body: (ctx) => ({ publicKey: ctx.purchase.intruder.signingKey.publicKey }),
  },
  // A licence is read by its holder wallet, the licensed resource's owner org or an admin; org A owns nothing here.
  'GET /v1/licences/{id}': {
    kind: 'tenant',
    setup: settledLicence,
    probe: '/v1/licences/{id}',
    owner: 'buyer',
    intruders: [
      { who: 'orgA', status: 404 },
      { who: 'otherWallet', status: 404 },
    ],
  },
  'GET /v1/orders/{orderId}': {
    kind: 'tenant',
    setup: settledOrder,
    probe: '/v1/orders/{orderId}',
    owner: 'buyer',
    intruders: ORDER_INTRUDERS,
  },
  'POST /v1/orders/{orderId}/submission': {
    kind: 'tenant',
    // A quoted order, so a wrongly accepted submission would show as status 'submitted' with this hash.
    setup: quotedOrder,
    probe: '/v1/orders/{orderId}',
    owner: 'buyer',
    intruders: ORDER_INTRUDERS,
    body: { txHash: `0x${randomBytes(32).toString('hex')}` },
  },
  'POST /v1/orders/{orderId}/refund-requests': {
    kind: 'tenant',
    setup: settledOrder,
    probe: '/v1/orders/{orderId}',
    owner: 'buyer',
    intruders: [
      { who: 'otherWallet', status: 404 },
      // Refunds are for the buying wallet: payments refuses any partner key before looking the order up,
      // so the 403 says nothing about whether the order exists.
      { who: 'orgA', status: 403 },
    ],
    body: { reason: 'intruder asks for a refund' },
    // Nothing was recorded for the intruders: the buyer's own request is the first live one on the order.
    after: async (ctx) => {
      await failDelivery(ctx.purchase);
      const opened = await waitFor(
        async () => {
          const res = await buyerAsks(ctx);
          if (res.status === 409 && /already open/.test(res.text)) {
            throw new Error(`a refund request was already open: ${res.text}`);
          }
          return res.status === 201 ? res : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500, what: 'payments to accept the buyer refund request' },
      );
      expect(opened.body).toMatchObject({
        status: 'open',
        requestedBy: ctx.purchase.story.buyer.address.toLowerCase(),
      });
      ctx.refundRequestId = opened.body.id;
    },
  },
  'POST /v1/payments/admin/refund-requests/{id}/approve': { kind: 'admin-only' },
  'POST /v1/payments/admin/refund-requests/{id}/reject': { kind: 'admin-only' },
};

function fill(path: string, params: Params): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (!(name in params)) {
      throw new Error(`no value for {${name}} in ${path}`);
    }
    return params[name];
  });
}

function credentialsOf(ctx: Ctx, who: Who): { key?: string; token?: string } {
  return who === 'orgA' ? { key: ctx.a.key } : { token: ctx.purchase.intruderToken };
}

function expectProblem(res: Reply, status: number): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

const objectRoutes = operations(loadOpenApi())
  .filter((op) => op.path.includes('{'))
  .map((op) => `${op.method} ${op.path}`);

describe('cross-tenant isolation of object routes', () => {
  let platform: Platform;
  let ctx: Ctx;

  beforeAll(async () => {
    platform = await startPlatform(CONFIRMATIONS);
    const base = platform.gatewayUrl;
    ctx = {
      base,
      adminKey: platform.adminKey,
      a: await createTenant(base, platform.adminKey),
      b: await createTenant(base, platform.adminKey),
      purchase: await settledPurchase(platform, CONFIRMATIONS),
    };
  }, 300_000);

  afterAll(async () => {
    ctx?.purchase.story.close();
    await platform?.stop();
  });

  it('has a case for every object route in the OpenAPI document', () => {
    expect(objectRoutes.filter((route) => !(route in CASES))).toEqual([]);
  });

  for (const route of objectRoutes) {
    const entry = CASES[route];
    if (!entry) {
      continue;
    }
    const [method, path] = route.split(' ');
    switch (entry.kind) {
      case 'tenant': {
        const intruders = entry.intruders ?? [{ who: 'orgA', status: 404 }];
        const who = intruders.map((i) => `${i.who} ${i.status}`).join(', ');
        it(`${route}: another party on B's object (${who}) and nothing changes`, async () => {
          const params = await entry.setup(ctx);
          const probe = fill(entry.probe, params);
          const owner = entry.owner === 'buyer' ? { token: ctx.purchase.buyerToken } : { key: ctx.b.key };
          const before = await call(ctx.base, 'GET', probe, owner);
          expect(before.status).toBe(200);
          for (const intruder of intruders) {
            const res = await call(ctx.base, method, fill(path, params), {
              ...credentialsOf(ctx, intruder.who),
              body: entry.body,
            });
            expectProblem(res, intruder.status);
          }
          const after = await call(ctx.base, 'GET', probe, owner);
          expect(after.body).toEqual(before.body);
          await entry.after?.(ctx);
        });
        break;
      }
      case 'licence-gated':
        it(`${route}: licence-gated: a wallet without a licence and a partner key get 403, nothing released`, async () => {
          const url = fill(path, { resourceId: ctx.purchase.resourceId });
          // The resource is publicly listed, which is why the answer is not 404.
          const listed = await call(ctx.base, 'GET', `/v1/catalog/resources/${ctx.purchase.resourceId}`, {
            key: ctx.a.key,
          });
          expect({ status: listed.status, state: listed.body.status }).toEqual({ status: 200, state: 'listed' });
          const body = entry.body?.(ctx);
          const wallet = await call(ctx.base, method, url, { token: ctx.purchase.intruderToken, body });
          expectProblem(wallet, 403);
          expect(wallet.body.detail).toBe('No licence for this resource');
          const partner = await call(ctx.base, method, url, { key: ctx.a.key, body });
          expectProblem(partner, 403);
          for (const res of [wallet, partner]) {
            expect(res.body).not.toHaveProperty('encryptedDataKey');
            expect(res.body).not.toHaveProperty('ciphertextUrl');
            expect(res.headers.get('content-disposition')).toBeNull();
          }
        });
        break;
      case 'admin-only':
        it(`${route}: admin-only: a partner key gets 403 and the refund request stays open`, async () => {
          if (!ctx.refundRequestId) {
            throw new Error('no refund request: the refund-requests case did not complete');
          }
          const res = await call(ctx.base, method, fill(path, { id: ctx.refundRequestId }), { key: ctx.b.key });
          expectProblem(res, 403);
          // Still live: the buyer cannot open a second one (a rejection would have freed the order).
          const again = await buyerAsks(ctx);
          expect({ status: again.status, text: again.text }).toMatchObject({ status: 409 });
          expect(again.text).toMatch(/already open/);
        });
        break;
    }
  }

  it('the refund request is still open after the partner attempts: the admin can reject it', async () => {
    if (!ctx.refundRequestId) {
      throw new Error('no refund request: the refund-requests case did not complete');
    }
    // The arbiter finds it through the gateway among the open requests; a partner key may not list them.
    const open = await call(ctx.base, 'GET', '/v1/payments/admin/refund-requests?status=open', { key: ctx.adminKey });
    expect(open.status).toBe(200);
    expect(open.body.items).toContainEqual(
      expect.objectContaining({ id: ctx.refundRequestId, orderId: ctx.purchase.settledOrderId, status: 'open' }),
    );
    expectProblem(await call(ctx.base, 'GET', '/v1/payments/admin/refund-requests', { key: ctx.b.key }), 403);
    // An approval would have left it 'submitted', which cannot be rejected; this proves it stayed 'open'.
    const res = await call(ctx.base, 'POST', `/v1/payments/admin/refund-requests/${ctx.refundRequestId}/reject`, {
      key: ctx.adminKey,
    });
    expect({ status: res.status, refund: res.body.status }).toEqual({ status: 200, refund: 'rejected' });
  });
});
