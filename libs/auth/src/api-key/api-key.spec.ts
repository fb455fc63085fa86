import { randomBytes, randomUUID } from 'node:crypto';
import { AuthError, AuthReason } from '../auth.errors';
import { Scope } from '../principal';
import { generateApiKey, hashApiKey, parseApiKey, verifyApiKey } from './api-key';
import { ApiKeyRecord, ApiKeyRepository, NewApiKeyRecord } from './api-key.repository';
import { ApiKeyOptions, ApiKeyService } from './api-key.service';

const pepper = randomBytes(32);

describe('API key functions', () => {
  it('generates tsk_<prefix>_<secret> with a 32-byte base64url secret, unique each time', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    const parsed = parseApiKey(a.key);
    expect(a.key).toMatch(/^tsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(parsed?.prefix).toBe(a.prefix);
    expect(Buffer.from(parsed!.secret, 'base64url')).toHaveLength(32);
    expect(a.key).not.toBe(b.key);
    expect(a.prefix).not.toBe(b.prefix);
  });

  it('parses secrets that contain the separator character', () => {
    const secret = `ab_${'c'.repeat(40)}`;
    expect(parseApiKey(`tsk_0123456789abcdef_${secret}`)).toEqual({ prefix: '0123456789abcdef', secret });
  });

  it.each([
    '',
    'tsk_abc_def',
    `sk_0123456789abcdef_${'a'.repeat(43)}`,
    `tsk_0123456789ABCDEF_${'a'.repeat(43)}`,
    `tsk_0123456789abcdef_${'a'.repeat(44)}`,
  ])('rejects the malformed key %p', (key) => {
    expect(parseApiKey(key)).toBeNull();
  });

  it('stores a hash that verifies only the same key under the same pepper', () => {
    const { key } = generateApiKey();
    const hash = hashApiKey(key, pepper);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(parseApiKey(key)!.secret);
    expect(verifyApiKey(key, hash, pepper)).toBe(true);
    expect(verifyApiKey(generateApiKey().key, hash, pepper)).toBe(false);
    expect(verifyApiKey(key, hash, randomBytes(32))).toBe(false);
    expect(verifyApiKey(key, hash.slice(0, 10), pepper)).toBe(false);
  });

  it('refuses a short pepper', () => {
    expect(() => hashApiKey('tsk_x', randomBytes(16))).toThrow(/at least 32 bytes/);
  });
});

class MemoryApiKeyRepository extends ApiKeyRepository {
  readonly rows = new Map<string, ApiKeyRecord>();
  touches = 0;

  create(record: NewApiKeyRecord): Promise<ApiKeyRecord> {
    const row: ApiKeyRecord = { ...record, id: randomUUID(), createdAt: new Date(), revokedAt: null, lastUsedAt: null };
    this.rows.set(row.id, row);
    return Promise.resolve(row);
  }
  findByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    return Promise.resolve([...this.rows.values()].find((row) => row.prefix === prefix) ?? null);
  }
  listByOrg(orgId: string): Promise<ApiKeyRecord[]> {
    return Promise.resolve([...this.rows.values()].filter((row) => row.orgId === orgId));
  }
  revoke(id: string, orgId: string, at: Date): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.orgId !== orgId || row.revokedAt) {
      return Promise.resolve(false);
    }
    this.rows.set(id, { ...row, revokedAt: at });
    return Promise.resolve(true);
  }
  touchLastUsed(id: string, at: Date): Promise<void> {
    this.touches += 1;
    this.rows.set(id, { ...this.rows.get(id)!, lastUsedAt: at });
    return Promise.resolve();
  }
}

describe('ApiKeyService', () => {
  let repository: MemoryApiKeyRepository;
  let service: ApiKeyService;
  let now: Date;

  beforeEach(() => {
    repository = new MemoryApiKeyRepository();
    now = new Date('2030-01-01T00:00:00Z');
    service = new ApiKeyService(repository, new ApiKeyOptions({ pepper, now: () => now }));
  });

  async function reason(presented: string | undefined): Promise<AuthReason> {
    const error: unknown = await service.authenticate(presented, 'req').catch((e: unknown) => e);
    if (!(error instanceof AuthError)) {
      throw new Error(`expected an AuthError, got ${String(error)}`);
    }
    expect(error.getStatus()).toBe(401);
    return error.reason;
  }

  it('issues a key shown once, stores only its hash, and authenticates it as a partner', async () => {
    const { key, record } = await service.issue('org-1', 'ci', [Scope.CatalogWrite, Scope.CatalogRead]);
    const stored = JSON.stringify([...repository.rows.values()]);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(parseApiKey(key)!.secret);

    const principal = await service.authenticate(key, 'req-7');
    expect(principal).toEqual({
      kind: 'partner',
      orgId: 'org-1',
      apiKeyId: record.id,
      scopes: [Scope.CatalogWrite, Scope.CatalogRead],
      requestId: 'req-7',
    });
    expect(repository.rows.get(record.id)?.lastUsedAt).toEqual(now);
  });

  it('makes a key with the admin scope an admin principal', async () => {
    const { key } = await service.issue('platform', 'ops', [Scope.Admin, Scope.CatalogRead]);
    expect((await service.authenticate(key, 'r')).kind).toBe('admin');
  });

  it('writes last_used_at at most once a minute', async () => {
    const { key } = await service.issue('org-1', 'ci', [Scope.CatalogRead]);
    await service.authenticate(key, 'r');
    now = new Date(now.getTime() + 30_000);
    await service.authenticate(key, 'r');
    expect(repository.touches).toBe(1);
    now = new Date(now.getTime() + 31_000);
    await service.authenticate(key, 'r');
    expect(repository.touches).toBe(2);
  });

  it('refuses a revoked key, but only after the secret checks out', async () => {
    const { key, record } = await service.issue('org-1', 'ci', [Scope.CatalogRead]);
    expect(await service.revoke(record.id, 'org-2')).toBe(false);
    expect(await service.revoke(record.id, 'org-1')).toBe(true);
    expect(await reason(key)).toBe(AuthReason.ApiKeyRevoked);

    const forged = `tsk_${record.prefix}_${generateApiKey().key.split('_').slice(2).join('_')}`;
    expect(await reason(forged)).toBe(AuthReason.InvalidApiKey);
  });

  it('gives unknown prefixes and wrong secrets the same reason', async () => {
    const { key } = await service.issue('org-1', 'ci', [Scope.CatalogRead]);
    const wrongSecret = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(await reason(wrongSecret)).toBe(AuthReason.InvalidApiKey);
    expect(await reason(generateApiKey().key)).toBe(AuthReason.InvalidApiKey);
  });

  it('distinguishes a missing key from a malformed one', async () => {
    expect(await reason(undefined)).toBe(AuthReason.MissingCredentials);
    expect(await reason('Bearer hello')).toBe(AuthReason.MalformedApiKey);
  });

  it('refuses to issue a key without scopes', async () => {
    await expect(service.issue('org-1', 'ci', [])).rejects.toThrow(/at least one known scope/);
  });
});
