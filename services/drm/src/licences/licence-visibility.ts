import { type Principal } from '@tessera/auth';

/**
 * Which licences a caller may read: a buyer wallet its own, a partner org those of the resources it owns (a
 * seller sees who licensed its content, as the chain already shows), an admin every one.
 */
export type LicenceScope = { kind: 'all' } | { kind: 'buyer'; wallet: string } | { kind: 'owner'; orgId: string };

export function licenceScopeOf(principal: Principal): LicenceScope {
  switch (principal.kind) {
    case 'admin':
      return { kind: 'all' };
    case 'wallet':
      return { kind: 'buyer', wallet: principal.wallet };
    case 'partner':
      return { kind: 'owner', orgId: principal.orgId };
  }
}
