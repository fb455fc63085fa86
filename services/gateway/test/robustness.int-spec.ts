import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { call, createTenant, type Stack, startStack, type Tenant } from './support/gateway';
import { arbitraryFor, loadOpenApi, operations } from './support/openapi-doc';

/** Parts of the API whose services this suite runs; other prefixes would only answer 503. */
const RUNNING = /^\/v1\/(orgs|auth|catalog)(\/|$)/;

function expectProblem4xx(res: { status: number; headers: Headers }, what: string): void {
  if (res.status >= 500) {
    throw new Error(`${what} gave ${res.status}`);
  }
  if (res.status >= 400) {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  }
}

describe('gateway robustness against bad input', () => {
  let stack: Stack;
  let base: string;
  let tenant: Tenant;

  beforeAll(async () => {
    stack = await startStack(['catalog']);
    base = stack.gateway.url;
    tenant = await createTenant(base, stack.adminKey);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const targets = ['/v1/orgs', '/v1/catalog/resources'];

  it.each(targets)('answers malformed JSON to %s with 400 problem+json', async (path) => {
    const res = await call(base, 'POST', path, { key: stack.adminKey, body: '{"name": "x",,' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toBe('Malformed JSON body');
  });

  it.each(targets)('answers a wrong content type to %s with a 4xx problem', async (path) => {
    const res = await call(base, 'POST', path, {
      key: stack.adminKey,
      body: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it.each(targets)('answers a 10 MB JSON body to %s with 413 problem+json', async (path) => {
    const body = JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) });
    const res = await call(base, 'POST', path, { key: stack.adminKey, body });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('never answers 500 to unicode garbage in any string field of any request body', async () => {
    const doc = loadOpenApi();
    const withBodies = operations(doc).filter(
      (op) => RUNNING.test(op.path) && op.operation.requestBody?.content?.['application/json'],
    );
    expect(withBodies.length).toBeGreaterThanOrEqual(4);
    for (const op of withBodies) {
      const schema = op.operation.requestBody.content['application/json'].schema;
      // Real ids where the caller owns them, so the request reaches validation rather than a 404.
      const path = op.path.replace('{orgId}', tenant.orgId).replace(/\{[^}]+\}/g, () => randomUUID());
      await fc.assert(
        fc.asyncProperty(arbitraryFor(doc, schema), async (body) => {
          const res = await call(base, op.method, path, { key: tenant.key, body });
          expectProblem4xx(res, `${op.method} ${op.path} with ${JSON.stringify(body).slice(0, 200)}`);
        }),
        { numRuns: 25 },
      );
    }
  }, 300_000);

  it('never answers 500 to garbage in path parameters and query strings', async () => {
    const doc = loadOpenApi();
    const ops = operations(doc).filter((op) => RUNNING.test(op.path) && op.method === 'GET');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ops), fc.string({ unit: 'binary', maxLength: 40 }), async (op, junk) => {
        const encoded = encodeURIComponent(junk.replace(/[\ud800-\udfff]/g, '\ufffd'));
        const path = op.path.replace(/\{[^}]+\}/g, encoded || 'x') + `?q=${encoded}&limit=${encoded}`;
        const res = await call(base, op.method, path, { key: tenant.key });
        expectProblem4xx(res, `${op.method} ${path}`);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
