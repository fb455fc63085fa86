import { randomUUID } from 'node:crypto';
import {
  INTERNAL_TOKEN_HEADER,
  InternalTokenSigner,
  type Principal,
  resolveInternalPrivateJwk,
  Scope,
  type TesseraService,
} from '@tessera/auth';

let signer: InternalTokenSigner | undefined;

/** The header the gateway would forward, for tests that call a service directly. */
export async function internalHeaders(audience: TesseraService, principal: Principal): Promise<Record<string, string>> {
  signer ??= new InternalTokenSigner({ privateJwk: resolveInternalPrivateJwk(undefined, 'test') });
  return { [INTERNAL_TOKEN_HEADER]: await signer.sign(principal, audience) };
}

/** A partner principal of `orgId` with every partner scope (narrow it in tests of scope checks). */
export function partner(
  orgId: string,
  scopes: Scope[] = Object.values(Scope).filter((s) => s !== Scope.Admin),
): Principal {
  return { kind: 'partner', orgId, apiKeyId: randomUUID(), scopes, requestId: randomUUID() };
}

/** A platform operator. */
export function admin(orgId: string = randomUUID()): Principal {
  return { kind: 'admin', orgId, apiKeyId: randomUUID(), scopes: Object.values(Scope), requestId: randomUUID() };
}

/** A buyer signed in with SIWE (`wallet` must be EIP-55 checksummed). */
export function wallet(
  address: string,
  scopes: Scope[] = [Scope.CatalogRead, Scope.ContentRead, Scope.OrdersRead, Scope.OrdersWrite],
): Principal {
  return { kind: 'wallet', wallet: address, scopes, requestId: randomUUID() };
}
