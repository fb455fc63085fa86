import { AuthError, AuthErrorCode, AuthReason } from './auth.errors';
import { hasScopes, parsePrincipal, Principal, requireScopes, Scope } from './principal';

const partner: Principal = {
  kind: 'partner',
  orgId: 'org-1',
  apiKeyId: 'key-1',
  scopes: [Scope.CatalogRead, Scope.CatalogWrite],
  requestId: 'req-1',
};

function caught(fn: () => unknown): AuthError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AuthError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an AuthError');
}

describe('requireScopes', () => {
  it('passes when every scope is held', () => {
    expect(() => requireScopes(partner, Scope.CatalogRead, Scope.CatalogWrite)).not.toThrow();
    expect(hasScopes(partner, Scope.CatalogWrite)).toBe(true);
  });

  it('refuses with 403 naming each missing scope', () => {
    const error = caught(() => requireScopes(partner, Scope.CatalogRead, Scope.OrdersWrite, Scope.EarningsRead));
    expect(error.getStatus()).toBe(403);
    expect(error.getResponse()).toEqual({
      statusCode: 403,
      code: AuthErrorCode.Forbidden,
      reason: AuthReason.MissingScope,
      message: 'Missing scopes orders:write, earnings:read',
      missingScopes: [Scope.OrdersWrite, Scope.EarningsRead],
    });
  });

  it('does not treat admin as a wildcard', () => {
    const admin: Principal = { ...partner, kind: 'admin', scopes: [Scope.Admin] };
    expect(caught(() => requireScopes(admin, Scope.CatalogWrite)).missingScopes).toEqual([Scope.CatalogWrite]);
  });
});

describe('parsePrincipal', () => {
  it('normalises a wallet to its checksummed form and drops unknown scopes', () => {
    const principal = parsePrincipal(
      { kind: 'wallet', wallet: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', scopes: ['content:read', 'teleport'] },
      'req-2',
    );
    expect(principal).toEqual({
      kind: 'wallet',
      wallet: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      scopes: [Scope.ContentRead],
      requestId: 'req-2',
    });
  });

  it.each([
    ['a partner without org', { kind: 'partner', apiKeyId: 'k', scopes: [] }, 'r'],
    ['a wallet with a bad address', { kind: 'wallet', wallet: '0x1234', scopes: [] }, 'r'],
    ['an unknown kind', { kind: 'root', scopes: [] }, 'r'],
    ['missing scopes', { kind: 'partner', orgId: 'o', apiKeyId: 'k' }, 'r'],
    ['missing request id', { kind: 'partner', orgId: 'o', apiKeyId: 'k', scopes: [] }, undefined],
  ])('refuses %s', (_label, value, requestId) => {
    const error = caught(() => parsePrincipal(value, requestId));
    expect(error.code).toBe(AuthErrorCode.Unauthenticated);
    expect(error.reason).toBe(AuthReason.MalformedPrincipal);
  });
});
