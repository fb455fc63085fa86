import { randomBytes, randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Wallet } from 'ethers';
import fc from 'fast-check';
import { GatewayClient } from '../../../test/e2e/support/gateway-client';
import { LOCAL_SIWE_DOMAIN } from '../../../test/e2e/support/story';
import { call, createTenant, type Reply, type Stack, startStack, type Tenant } from './support/gateway';
import { arbitraryFor, garbage, loadOpenApi, type Operation, operations, type Schema } from './support/openapi-doc';

/*
 * Every JSON-body operation of every service gets bodies shaped like its schema with garbage in each string
 * field, from a caller that passes authentication and the scope check, so the body reaches validation.
 */

type Caller = 'anonymous' | 'partner' | 'admin' | 'wallet';

interface Target {
  /**
   * Who sends it: admin-only operations the admin key, buyer operations a wallet session, the rest a partner
   * key of the org that owns the path's objects.
   */
  caller: Caller;
  /** A body the schema accepts; one property puts garbage into one of its strings at a time. */
  example: Record<string, unknown>;
}

const HEX32 = 'ab'.repeat(32);

/** Every JSON-body operation; a new one fails the suite until it is listed. */
const TARGETS: Record<string, Target> = {
  'POST /v1/auth/siwe/verify': {
    caller: 'anonymous',
    example: { message: 'localhost:3000 wants you to sign in with your Ethereum account', signature: `0x${HEX32}` },
  },
  'POST /v1/orgs': { caller: 'admin', example: { name: 'Acme Research' } },
  'POST /v1/orgs/{orgId}/api-keys': { caller: 'partner', example: { name: 'ci', scopes: ['catalog:read'] } },
  'PUT /v1/catalog/orgs/me': {
    caller: 'partner',
    example: { name: 'Acme', payoutAddress: `0x${'11'.repeat(20)}` },
  },
  'POST /v1/catalog/resources': {
    caller: 'partner',
    example: {
      kind: 'dataset',
      name: 'Street scenes',
      description: 'Labelled street scenes',
      tags: ['vision'],
      metadata: { format: 'parquet', rows: 1000, columns: 12 },
      licence: { commercialUse: true, derivatives: true, redistribution: false, attribution: true },
      pricing: { model: 'fixed', price: '2500000000000000000' },
      mediaType: 'application/vnd.apache.parquet',
    },
  },
  'PATCH /v1/catalog/resources/{id}': {
    caller: 'partner',
    example: {
      name: 'Street scenes',
      description: 'Labelled street scenes',
      tags: ['vision'],
      licence: {
        commercialUse: true,
        derivatives: true,
        redistribution: false,
        attribution: true,
        additionalTerms: 'Cite the dataset',
        territories: ['DE'],
      },
    },
  },
  'POST /v1/catalog/resources/{id}/delist': { caller: 'partner', example: { reason: 'superseded' } },
  'POST /v1/catalog/resources/{id}/versions': { caller: 'partner', example: { mediaType: 'text/csv' } },
  'POST /v1/content/{resourceId}/key': { caller: 'wallet', example: { publicKey: `0x02${HEX32}` } },
  'POST /v1/drm/keys/rewrap': { caller: 'admin', example: { batchSize: 100 } },
  'POST /v1/quotes': { caller: 'wallet', example: { resourceId: randomUUID(), maxPrice: '1000' } },
  'POST /v1/orders/{orderId}/submission': { caller: 'wallet', example: { txHash: `0x${HEX32}` } },
  'POST /v1/orders/{orderId}/refund-requests': { caller: 'wallet', example: { reason: 'the download failed' } },
  'POST /v1/indexer/reindex': { caller: 'admin', example: { fromBlock: 1 } },
};

/**
 * A body the schema accepts would really re-read the shared chain from an arbitrary block (the next suites'
 * indexer would start from there), so only bodies the schema refuses are sent; the chain indexer's own suite
 * covers a real reindex.
 */
const REFUSED_BODIES_ONLY = new Set(['POST /v1/indexer/reindex']);

/** One endpoint per service for the malformed, wrong-type and oversized bodies; each has a required field. */
const PER_SERVICE: { service: string; caller: Caller; path: () => string }[] = [
  { service: 'gateway', caller: 'admin', path: () => '/v1/orgs' },
  { service: 'catalog', caller: 'partner', path: () => '/v1/catalog/resources' },
  { service: 'drm', caller: 'wallet', path: () => `/v1/content/${randomUUID()}/key` },
  { service: 'payments', caller: 'wallet', path: () => '/v1/quotes' },
  { service: 'chain-indexer', caller: 'admin', path: () => '/v1/indexer/reindex' },
];

function expectProblem(res: Reply, what: string): void {
  if (res.status >= 500) {
    throw new Error(`${what} gave ${res.status}: ${res.text.slice(0, 300)}`);
  }
  if (res.status >= 400 && !/^application\/problem\+json/.test(res.headers.get('content-type') ?? '')) {
    throw new Error(`${what} gave ${res.status} as ${res.headers.get('content-type')}, not a problem document`);
  }
}

function expectProblem4xx(res: Reply, what: string): void {
  expectProblem(res, what);
  if (res.status < 400) {
    throw new Error(`${what} gave ${res.status}; a body its schema refuses must be refused`);
  }
}

/** Text Postgres stores as sent: well-formed Unicode (no lone surrogate, which encodeURIComponent refuses), no U+0000. */
function storable(value: unknown): boolean {
  if (typeof value === 'string') {
    try {
      encodeURIComponent(value);
    } catch {
      return false;
    }
    return !value.includes('\u0000');
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).every(([k, v]) => storable(k) && storable(v));
  }
  return true;
}

type Leaf = (string | number)[];

/** Where the strings of `value` are. */
function stringLeaves(value: unknown, at: Leaf = []): Leaf[] {
  if (typeof value === 'string') {
    return [at];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...at, Array.isArray(value) ? Number(k) : k]));
  }
  return [];
}

function withLeaf(value: Record<string, unknown>, leaf: Leaf, text: string): Record<string, unknown> {
  const copy = structuredClone(value);
  let parent: Record<string | number, unknown> = copy;
  for (const step of leaf.slice(0, -1)) {
    parent = parent[step] as Record<string | number, unknown>;
  }
  parent[leaf[leaf.length - 1]] = text;
  return copy;
}

/** A check of bodies against a published request schema (OpenAPI 3.1 schemas are JSON Schema 2020-12). */
function validatorFor(doc: Schema): (schema: Schema) => (body: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components as Schema });
  return (schema) => {
    const validate = ajv.compile({ $ref: `openapi${String(schema.$ref)}` });
    return (body) => validate(body);
  };
}

describe('gateway robustness against bad input', () => {
  let stack: Stack;
  let base: string;
  let tenant: Tenant;
  let walletToken: string;
  /** A draft of the tenant's, so the resource operations act on a real object rather than answer 404. */
  let draftId: string;

  const credentials = (caller: Caller): { key?: string; token?: string } => {
    switch (caller) {
      case 'anonymous':
        return {};
      case 'partner':
        return { key: tenant.key };
      case 'admin':
        return { key: stack.adminKey };
      case 'wallet':
        return { token: walletToken };
    }
  };

  beforeAll(async () => {
    stack = await startStack(['catalog', 'drm', 'payments', 'chain-indexer']);
    base = stack.gateway.url;
    tenant = await createTenant(base, stack.adminKey);
    const session = await new GatewayClient(base).signIn(new Wallet(Wallet.createRandom().privateKey), {
      domain: LOCAL_SIWE_DOMAIN,
      chainId: Number(process.env.CHAIN_ID ?? 31337),
    });
    walletToken = session.token!;
    const draft = await call(base, 'POST', '/v1/catalog/resources', {
      key: tenant.key,
      body: { ...TARGETS['POST /v1/catalog/resources'].example, name: `robustness-${randomUUID()}` },
    });
    expect(draft.status).toBe(201);
    draftId = draft.body.id;
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  describe.each(PER_SERVICE)('$service', ({ caller, path }) => {
    it('answers malformed JSON with 400 problem+json', async () => {
      const res = await call(base, 'POST', path(), { ...credentials(caller), body: '{"name": "x",,' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toBe('Malformed JSON body');
    });

    it('answers a wrong content type with a 4xx problem', async () => {
      const res = await call(base, 'POST', path(), {
        ...credentials(caller),
        body: 'name=x',
        headers: { 'content-type': 'text/plain' },
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('answers a 10 MB JSON body with 413 problem+json', async () => {
      const body = JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) });
      const res = await call(base, 'POST', path(), { ...credentials(caller), body });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });
  });

  /** The operation's path with real objects where the caller owns them, and well-formed unknown ids elsewhere. */
  function pathOf(op: Operation): string {
    const params = ((op.operation.parameters ?? []) as Schema[]).filter((p) => p.in === 'path');
    return params.reduce<string>((path, param) => {
      const owned: Record<string, string> = { orgId: tenant.orgId, id: draftId };
      const unknown = /0-9a-fA-F\]\{64\}/.test(String(param.schema?.pattern))
        ? `0x${randomBytes(32).toString('hex')}`
        : randomUUID();
      return path.replace(`{${String(param.name)}}`, owned[String(param.name)] ?? unknown);
    }, op.path);
  }

  /**
   * The answer to `body` must never be a 500, and must be a problem+json 4xx unless the body is one the service
   * may take. That is a body the published schema accepts whose text is storable: free text (a name, a
   * description, a refund reason, a media type) may be any well-formed Unicode, so garbage there can be data
   * and may succeed. Garbage anywhere else (a pattern, an enum, a uuid, a wrong type), U+0000 or a lone surrogate
   * anywhere, must be refused.
   */
  function expectAnswer(res: Reply, body: unknown, accepts: (body: unknown) => boolean, what: string): void {
    if (accepts(body) && storable(body)) {
      expectProblem(res, what);
    } else {
      expectProblem4xx(res, what);
    }
  }

  describe.each(Object.keys(TARGETS))('%s', (name) => {
    const doc = loadOpenApi();
    const op = operations(doc).find((o) => `${o.method} ${o.path}` === name)!;
    const schema = op?.operation.requestBody.content['application/json'].schema as Schema;
    const { caller, example } = TARGETS[name];
    // What the service receives: JSON has no NaN or Infinity (they arrive as null), nor undefined members.
    const onTheWire = (body: unknown): unknown => JSON.parse(JSON.stringify(body));

    it('takes the example body as valid', () => {
      expect(validatorFor(doc)(schema)(example)).toBe(true);
    });

    it('answers garbage in one string of an otherwise valid body without a 500', async () => {
      const accepts = validatorFor(doc)(schema);
      const leaves = stringLeaves(example);
      if (leaves.length === 0) {
        return;
      }
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...leaves), garbage, async (leaf, junk) => {
          const body = withLeaf(example, leaf, junk);
          const res = await call(base, op.method, pathOf(op), { ...credentials(caller), body });
          expectAnswer(res, body, accepts, `${name} with ${leaf.join('.')} = ${JSON.stringify(junk).slice(0, 120)}`);
        }),
        { numRuns: 25 },
      );
    });

    it('answers bodies shaped like the schema with garbage in every string without a 500', async () => {
      const accepts = validatorFor(doc)(schema);
      const bodies = arbitraryFor(doc, schema).map(onTheWire);
      await fc.assert(
        fc.asyncProperty(REFUSED_BODIES_ONLY.has(name) ? bodies.filter((b) => !accepts(b)) : bodies, async (body) => {
          const res = await call(base, op.method, pathOf(op), { ...credentials(caller), body });
          expectAnswer(res, body, accepts, `${name} with ${JSON.stringify(body).slice(0, 200)}`);
        }),
        { numRuns: 20 },
      );
    });
  });

  it('lists every JSON-body operation of the published document', () => {
    const withBodies = operations(loadOpenApi()).filter(
      (op) => op.operation.requestBody?.content?.['application/json'],
    );
    expect(withBodies.map((op) => `${op.method} ${op.path}`).sort()).toEqual(Object.keys(TARGETS).sort());
  });

  it('never answers 500 to garbage in path parameters and query strings', async () => {
    const doc = loadOpenApi();
    const ops = operations(doc).filter((op) => op.method === 'GET');
    const callers: Caller[] = ['partner', 'admin', 'wallet'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops),
        fc.constantFrom(...callers),
        fc.string({ unit: 'binary', maxLength: 40 }),
        async (op, caller, junk) => {
          const encoded = encodeURIComponent(junk.replace(/[\ud800-\udfff]/g, '\ufffd'));
          const path = op.path.replace(/\{[^}]+\}/g, encoded || 'x') + `?q=${encoded}&limit=${encoded}`;
          const res = await call(base, op.method, path, credentials(caller));
          expectProblem(res, `${op.method} ${path} as ${caller}`);
        },
      ),
      { numRuns: 100 },
    );
  }, 120_000);
});
