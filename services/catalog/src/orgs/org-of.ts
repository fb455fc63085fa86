import { DomainError } from '@tessera/common';
import type { Principal } from '@tessera/auth';

/** The caller's org; wallets (buyers) have none and cannot manage resources. */
export function orgOf(principal: Principal): string {
  if (principal.kind === 'wallet') {
    throw DomainError.forbidden('Only a partner organisation can manage resources');
  }
  return principal.orgId;
}

/** The caller's org when it has one (buyers see only listed resources). */
export function maybeOrgOf(principal: Principal): string | undefined {
  return principal.kind === 'wallet' ? undefined : principal.orgId;
}
