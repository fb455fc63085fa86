import { getAddress, isAddress } from 'ethers';
import { AuthError, AuthReason } from './auth.errors';

export enum Scope {
  CatalogRead = 'catalog:read',
  CatalogWrite = 'catalog:write',
  ContentRead = 'content:read',
  ContentWrite = 'content:write',
  OrdersRead = 'orders:read',
  OrdersWrite = 'orders:write',
  EarningsRead = 'earnings:read',
  Admin = 'admin',
}

export const ALL_SCOPES: readonly Scope[] = Object.values(Scope);

const KNOWN_SCOPES = new Set<string>(ALL_SCOPES);

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && KNOWN_SCOPES.has(value);
}

export type PrincipalKind = 'partner' | 'admin' | 'wallet';

interface PrincipalBase {
  readonly scopes: readonly Scope[];
  /** Correlates the gateway request with every downstream call and log line. */
  readonly requestId: string;
}

/** A partner organisation calling with one of its API keys. */
export interface PartnerPrincipal extends PrincipalBase {
  readonly kind: 'partner';
  readonly orgId: string;
  readonly apiKeyId: string;
  readonly wallet?: undefined;
}

/** A platform operator: an API key carrying the `admin` scope. */
export interface AdminPrincipal extends PrincipalBase {
  readonly kind: 'admin';
  readonly orgId: string;
  readonly apiKeyId: string;
  readonly wallet?: undefined;
}

/** A buyer signed in with SIWE. `wallet` is EIP-55 checksummed. */
export interface WalletPrincipal extends PrincipalBase {
  readonly kind: 'wallet';
  readonly wallet: string;
  readonly orgId?: undefined;
  readonly apiKeyId?: undefined;
}

export type Principal = PartnerPrincipal | AdminPrincipal | WalletPrincipal;

export function missingScopes(principal: Principal, required: readonly Scope[]): Scope[] {
  const held = new Set(principal.scopes);
  return [...new Set(required)].filter((scope) => !held.has(scope));
}

export function hasScopes(principal: Principal, ...required: Scope[]): boolean {
  return missingScopes(principal, required).length === 0;
}

/**
 * Throws 403 naming every missing scope. `admin` is deliberately not a wildcard: an operator key is
 * granted the scopes it needs, so a leaked admin key cannot do more than it was given.
 */
export function requireScopes(principal: Principal, ...required: Scope[]): void {
  const missing = missingScopes(principal, required);
  if (missing.length > 0) {
    throw AuthError.missingScopes(missing);
  }
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 200;
}

function malformed(detail: string): AuthError {
  return AuthError.unauthenticated(AuthReason.MalformedPrincipal, `Principal is malformed: ${detail}`);
}

/**
 * Rebuilds a principal from untrusted JSON (a verified token's claims still deserve shape checks).
 * Unknown scopes are dropped rather than rejected so a gateway that learned a new scope does not lock
 * out services that have not been redeployed yet; dropping can only reduce privilege.
 */
export function parsePrincipal(value: unknown, requestId: unknown): Principal {
  if (typeof value !== 'object' || value === null) {
    throw malformed('not an object');
  }
  if (!nonEmptyString(requestId)) {
    throw malformed('request id missing');
  }
  const raw = value as Record<string, unknown>;
  if (!Array.isArray(raw.scopes)) {
    throw malformed('scopes missing');
  }
  const scopes = raw.scopes.filter(isScope);
  switch (raw.kind) {
    case 'partner':
    case 'admin': {
      if (!nonEmptyString(raw.orgId) || !nonEmptyString(raw.apiKeyId)) {
        throw malformed(`${raw.kind} needs orgId and apiKeyId`);
      }
      return { kind: raw.kind, orgId: raw.orgId, apiKeyId: raw.apiKeyId, scopes, requestId };
    }
    case 'wallet': {
      if (typeof raw.wallet !== 'string' || !isAddress(raw.wallet)) {
        throw malformed('wallet needs an address');
      }
      return { kind: 'wallet', wallet: getAddress(raw.wallet), scopes, requestId };
    }
    default:
      throw malformed('unknown kind');
  }
}

/** The JSON form carried in tokens: the principal without its request id (that travels as its own claim). */
export function principalClaims(principal: Principal): Record<string, unknown> {
  switch (principal.kind) {
    case 'partner':
    case 'admin':
      return {
        kind: principal.kind,
        orgId: principal.orgId,
        apiKeyId: principal.apiKeyId,
        scopes: [...principal.scopes],
      };
    case 'wallet':
      return { kind: principal.kind, wallet: principal.wallet, scopes: [...principal.scopes] };
  }
}
