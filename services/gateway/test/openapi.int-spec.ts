import { readFileSync } from 'node:fs';
import { generateOpenApi, OPENAPI_FILE, renderOpenApi } from '../../../scripts/openapi';
import { call, type Stack, startStack } from './support/gateway';

describe('merged OpenAPI document', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(['catalog']);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('docs/openapi.json is up to date (run `npm run openapi` after changing an endpoint)', async () => {
    const fresh = renderOpenApi(await generateOpenApi());
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(fresh);
  }, 600_000);

  it('is served at /openapi.json as OpenAPI 3.1 with both auth schemes and the running services merged', async () => {
    const res = await call(stack.gateway.url, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.components.securitySchemes).sort()).toEqual(['apiKey', 'walletSession']);
    expect(res.body.components.securitySchemes.apiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    });
    expect(res.body.paths['/v1/orgs/{orgId}/api-keys']).toBeDefined();
    expect(res.body.paths['/v1/catalog/orgs/me']).toBeDefined();
    expect(res.body.paths['/v1/auth/siwe/nonce'].get.security).toEqual([]);
    // Nothing of the 3.0 dialect survives the merge.
    expect(res.text).not.toContain('"nullable"');
    // Every path of the checked-in document that belongs to a running part is served too.
    const checkedIn = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, unknown> };
    const expected = Object.keys(checkedIn.paths).filter(
      (p) => !/^\/v1\/(content|licences|trace|drm|quotes|orders|earnings|payments|indexer|chain-indexer)\b/.test(p),
    );
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(expected));
  });
});
