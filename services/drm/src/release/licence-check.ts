import { type Principal } from '@tessera/auth';
import { DomainError } from '@tessera/common';
import { computeAddress } from 'ethers';
import type { LicenceRecord } from '../licences/licence.repository';

/** The buyer wallet content is released to; API keys (partners, admins) never receive content. */
export function buyerWallet(principal: Principal): string {
  if (principal.kind !== 'wallet') {
    throw DomainError.forbidden('Content is released to a signed-in buyer wallet only');
  }
  return principal.wallet;
}

/** A data key is wrapped only to the signed-in wallet's own public key. */
export function assertOwnPublicKey(publicKey: string, wallet: string): void {
  let derived: string;
  try {
    derived = computeAddress(publicKey);
  } catch {
    throw DomainError.validation('publicKey is not a valid secp256k1 public key');
  }
  if (derived !== wallet) {
    throw DomainError.forbidden('publicKey does not belong to the signed-in wallet');
  }
}

export function noDownloadsLeft(licenceId: string): string {
  return `Licence ${licenceId} has no downloads left`;
}

/** Why a licence does not allow a release now, or undefined when it does. */
export function refusal(l: LicenceRecord, now: Date): string | undefined {
  if (l.status === 'revoked') {
    return `Licence ${l.id} was revoked (${l.revokeReason ?? 'revoked'})`;
  }
  if (l.expiresAt && l.expiresAt <= now) {
    return `Licence ${l.id} expired at ${l.expiresAt.toISOString()}`;
  }
  if (l.downloadsRemaining !== null && l.downloadsRemaining <= 0) {
    return noDownloadsLeft(l.id);
  }
  return undefined;
}

/**
 * The licence a release goes against: the first usable one of the wallet's licences for the resource (newest
 * first). 403 without any, or with the newest licence's reason when none is usable.
 */
export function usableLicence(held: readonly LicenceRecord[], now: Date): LicenceRecord {
  if (held.length === 0) {
    throw DomainError.forbidden('No licence for this resource');
  }
  const usable = held.find((l) => refusal(l, now) === undefined);
  if (!usable) {
    throw DomainError.forbidden(refusal(held[0], now));
  }
  return usable;
}
