import { Wallet } from 'ethers';
import { SiweMessage } from 'siwe';
import { internalHeaders, partner } from '../../../test/support/auth';
import { call, createTenant, issueKey, type Stack, startStack } from './support/gateway';

describe('gateway authentication', () => {
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    stack = await startStack(['catalog']);
    base = stack.gateway.url;
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  describe('API keys', () => {
    it('refuses a missing key with 401 missing-credentials as problem+json', async () => {
      const res = await call(base, 'GET', '/v1/orgs');
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', reason: 'missing-credentials' });
    });

    it('refuses a malformed and an unknown key with distinct reasons', async () => {
      expect((await call(base, 'GET', '/v1/orgs', { key: 'hello' })).body.reason).toBe('malformed-api-key');
      const unknown = `tsk_0123456789abcdef_${'A'.repeat(43)}`;
      const res = await call(base, 'GET', '/v1/orgs', { key: unknown });
      expect(res.status).toBe(401);
      expect(res.body.reason).toBe('invalid-api-key');
    });

    it('refuses a key whose secret was altered', async () => {
      const tenant = await createTenant(base, stack.adminKey);
      const altered = tenant.key.slice(0, -1) + (tenant.key.endsWith('A') ? 'B' : 'A');
      const res = await call(base, 'GET', `/v1/orgs/${tenant.orgId}`, { key: altered });
      expect({ status: res.status, reason: res.body.reason }).toEqual({ status: 401, reason: 'invalid-api-key' });
    });

    it('refuses a revoked key at once, and lists it as revoked', async () => {
      const tenant = await createTenant(base, stack.adminKey);
      const second = await issueKey(base, tenant.key, tenant.orgId, ['catalog:read']);
      expect((await call(base, 'GET', `/v1/orgs/${tenant.orgId}`, { key: second.key })).status).toBe(200);
      const revoked = await call(base, 'DELETE', `/v1/orgs/${tenant.orgId}/api-keys/${second.id}`, { key: tenant.key });
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(String));
      const res = await call(base, 'GET', `/v1/orgs/${tenant.orgId}`, { key: second.key });
      expect({ status: res.status, reason: res.body.reason }).toEqual({ status: 401, reason: 'api-key-revoked' });
      const listed = await call(base, 'GET', `/v1/orgs/${tenant.orgId}/api-keys`, { key: tenant.key });
      expect(listed.body.find((k: { id: string }) => k.id === second.id)).toMatchObject({
        revokedAt: expect.any(String),
      });
      expect(listed.text).not.toContain(second.key);
    });

    it('answers 403 naming the scope an out-of-scope key lacks, at the edge and through a service', async () => {
      const tenant = await createTenant(base, stack.adminKey);
      const reader = await issueKey(base, tenant.key, tenant.orgId, ['catalog:read']);
      const edge = await call(base, 'GET', '/v1/orgs', { key: reader.key });
      expect(edge.status).toBe(403);
      expect(edge.body).toMatchObject({ reason: 'missing-scope', missingScopes: ['admin'] });
      const manage = await call(base, 'POST', `/v1/orgs/${tenant.orgId}/api-keys`, {
        key: reader.key,
        body: { name: 'x', scopes: ['catalog:read'] },
      });
      expect(manage.status).toBe(403);
      expect(manage.body.missingScopes).toEqual(['keys:manage']);
      const upstream = await call(base, 'PUT', '/v1/catalog/orgs/me', {
        key: reader.key,
        body: { payoutAddress: Wallet.createRandom().address },
      });
      expect(upstream.status).toBe(403);
      expect(upstream.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(upstream.body.detail).toContain('catalog:write');
    });

    it('does not let a key grant scopes it does not hold', async () => {
      const tenant = await createTenant(base, stack.adminKey, ['catalog:read', 'keys:manage']);
      const res = await call(base, 'POST', `/v1/orgs/${tenant.orgId}/api-keys`, {
        key: tenant.key,
        body: { name: 'escalate', scopes: ['catalog:write'] },
      });
      expect(res.status).toBe(403);
      expect(res.body.detail).toContain('catalog:write');
    });

    it('shows a new key once and stores it only hashed', async () => {
      const tenant = await createTenant(base, stack.adminKey);
      const issued = await call(base, 'POST', `/v1/orgs/${tenant.orgId}/api-keys`, {
        key: tenant.key,
        body: { name: 'ci', scopes: ['catalog:read'] },
      });
      expect(issued.body.key).toMatch(/^tsk_[0-9a-f]{16}_/);
      const listed = await call(base, 'GET', `/v1/orgs/${tenant.orgId}/api-keys`, { key: tenant.key });
      expect(listed.text).not.toContain(issued.body.key);
      expect(listed.body.map((k: { prefix: string }) => k.prefix)).toContain(issued.body.prefix);
    });
  });

  describe('forwarding to services', () => {
    it('forwards a fresh internal token and the request id; a client-sent internal token is ignored', async () => {
      const a = await createTenant(base, stack.adminKey);
      const b = await createTenant(base, stack.adminKey);
      const forged = await internalHeaders('catalog', partner(b.orgId));
      const res = await call(base, 'GET', '/v1/catalog/orgs/me', {
        key: a.key,
        headers: { ...forged, 'x-request-id': 'it-gw-forward-1' },
      });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(a.orgId);
      expect(res.headers.get('x-request-id')).toBe('it-gw-forward-1');
      // Without credentials the forged token buys nothing.
      const bare = await call(base, 'GET', '/v1/catalog/orgs/me', { headers: forged });
      expect(bare.status).toBe(401);
    });

    it('refuses a direct call to a service without the internal token', async () => {
      const catalog = stack.upstream.catalog!;
      const res = await call(catalog.url, 'GET', '/orgs/me');
      expect(res.status).toBe(401);
      expect(res.body.detail).toMatch(/No internal token/);
      const withToken = await fetch(`${catalog.url}/orgs/me`, {
        headers: await internalHeaders('catalog', partner('00000000-0000-4000-8000-000000000001')),
      });
      expect(withToken.status).toBe(200);
    });

    it('answers 503 problem+json with Retry-After when the service is down', async () => {
      const tenant = await createTenant(base, stack.adminKey);
      const res = await call(base, 'GET', '/v1/orders', { key: tenant.key });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'UNAVAILABLE', status: 503 });
    });

    it('does not expose services’ operational endpoints', async () => {
      const tenant = await createTenant(base, stack.adminKey);
      expect((await call(base, 'GET', '/v1/catalog/metrics', { key: tenant.key })).status).toBe(404);
      expect((await call(base, 'GET', '/v1/catalog/health', { key: tenant.key })).status).toBe(404);
    });
  });

  describe('Sign-In with Ethereum', () => {
    const buyer = Wallet.createRandom();

    async function signedIn(
      overrides: Partial<ConstructorParameters<typeof SiweMessage>[0] & object> = {},
      signer = buyer,
    ): Promise<{ message: string; signature: string }> {
      const { body } = await call(base, 'GET', '/v1/auth/siwe/nonce');
      const message = new SiweMessage({
        domain: 'localhost:3000',
        address: buyer.address,
        statement: 'Sign in to Tessera',
        uri: 'http://localhost:3000',
        version: '1',
        chainId: 31337,
        nonce: body.nonce,
        issuedAt: new Date().toISOString(),
        ...overrides,
      }).prepareMessage();
      return { message, signature: await signer.signMessage(message) };
    }

    it('issues a session token that authenticates the wallet', async () => {
      const res = await call(base, 'POST', '/v1/auth/siwe/verify', { body: await signedIn() });
      expect(res.status).toBe(200);
      expect(res.body.wallet).toBe(buyer.address);
      const me = await call(base, 'GET', '/v1/orgs', { token: res.body.token });
      // Authenticated as a wallet, which lacks the admin scope.
      expect(me.status).toBe(403);
      expect(me.body.reason).toBe('missing-scope');
    });

    it('refuses a nonce used twice', async () => {
      const signed = await signedIn();
      expect((await call(base, 'POST', '/v1/auth/siwe/verify', { body: signed })).status).toBe(200);
      const again = await call(base, 'POST', '/v1/auth/siwe/verify', { body: signed });
      expect({ status: again.status, reason: again.body.reason }).toEqual({ status: 401, reason: 'nonce-reused' });
    });

    it('refuses an expired message', async () => {
      const signed = await signedIn({
        issuedAt: new Date(Date.now() - 120_000).toISOString(),
        expirationTime: new Date(Date.now() - 60_000).toISOString(),
      });
      const res = await call(base, 'POST', '/v1/auth/siwe/verify', { body: signed });
      expect({ status: res.status, reason: res.body.reason }).toEqual({ status: 401, reason: 'expired' });
    });

    it('refuses a message for another domain', async () => {
      const signed = await signedIn({ domain: 'evil.example', uri: 'https://evil.example' });
      const res = await call(base, 'POST', '/v1/auth/siwe/verify', { body: signed });
      expect({ status: res.status, reason: res.body.reason }).toEqual({ status: 401, reason: 'domain-mismatch' });
    });

    it('refuses a signature by another wallet', async () => {
      const signed = await signedIn({}, Wallet.createRandom());
      const res = await call(base, 'POST', '/v1/auth/siwe/verify', { body: signed });
      expect({ status: res.status, reason: res.body.reason }).toEqual({ status: 401, reason: 'bad-signature' });
    });

    it('refuses a forged or expired session token', async () => {
      const res = await call(base, 'GET', '/v1/orgs', { token: 'eyJhbGciOiJIUzI1NiJ9.e30.AAAA' });
      expect(res.status).toBe(401);
    });
  });
});
