import { isScope, Scope } from '@tessera/auth';

/**
 * Lets a partner key create, list and revoke its own org's keys. It lives in the gateway because no
 * service needs it; services never see it (unknown scopes are dropped from forwarded principals).
 */
export const KEYS_MANAGE_SCOPE = 'keys:manage';
export type GrantableScope = Scope | typeof KEYS_MANAGE_SCOPE;
export const GRANTABLE_SCOPES: readonly GrantableScope[] = [...Object.values(Scope), KEYS_MANAGE_SCOPE];

export function isGrantableScope(value: unknown): value is GrantableScope {
  return value === KEYS_MANAGE_SCOPE || isScope(value);
}
