import { createHash } from 'node:crypto';

/** What an indexed log was emitted as. */
export type EmissionKind = 'observed' | 'confirmed' | 'reverted' | 'refunded' | 'anchored';

/** `chainId:blockHash:logIndex`: the same log in the same block always has the same key. */
export function chainEventKey(chainId: number, blockHash: string, logIndex: number): string {
  return `${chainId}:${blockHash.toLowerCase()}:${logIndex}`;
}

/**
 * The outbox event id (the `event-id` header consumers dedupe on), derived from the log's key,
 * the emission kind and the log's generation (how many times its block was orphaned and came
 * back). Re-running the same step after a crash yields the same id; a block that returns to the
 * canonical chain yields new ids, so its events are not mistaken for duplicates.
 * Formatted as an RFC 9562 version-8 UUID.
 */
export function emissionId(key: string, kind: EmissionKind, generation: number): string {
  const bytes = createHash('sha256').update(`${key}|${kind}|${generation}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
