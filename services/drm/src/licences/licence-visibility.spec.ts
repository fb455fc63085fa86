import { Scope } from '@tessera/auth';
import { randomUUID } from 'node:crypto';
import { licenceScopeOf } from './licence-visibility';

describe('who reads which licences', () => {
  const requestId = randomUUID();

  it('a wallet its own, a partner its resources, an admin all', () => {
    const wallet = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    expect(licenceScopeOf({ kind: 'wallet', wallet, scopes: [Scope.ContentRead], requestId })).toEqual({
      kind: 'buyer',
      wallet,
    });
    const orgId = randomUUID();
    expect(
      licenceScopeOf({ kind: 'partner', orgId, apiKeyId: randomUUID(), scopes: [Scope.ContentRead], requestId }),
    ).toEqual({ kind: 'owner', orgId });
    expect(
      licenceScopeOf({
        kind: 'admin',
        orgId,
        apiKeyId: randomUUID(),
        scopes: [Scope.Admin, Scope.ContentRead],
        requestId,
      }),
    ).toEqual({ kind: 'all' });
  });
});
