import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * Partner API keys look like `tsk_<prefix>_<secret>`.
 *
 * Only HMAC-SHA256(pepper, key) is stored. A slow password hash (bcrypt, argon2) exists to make guessing
 * low-entropy passwords expensive; a 256-bit random secret cannot be guessed at any speed, so a slow hash
 * would only add tens of milliseconds of CPU to every gateway request and hand attackers a cheap way to
 * burn it. The pepper lives outside the database, so a stolen table alone cannot even confirm a candidate
 * key, and a deterministic MAC lets the stored value be compared in constant time after the prefix lookup.
 */

export const API_KEY_TAG = 'tsk';
const PREFIX_BYTES = 8;
const SECRET_BYTES = 32;
const MIN_PEPPER_BYTES = 32;

// Prefix is hex so it never contains the `_` separator; the base64url secret may, so it comes last.
const API_KEY_PATTERN = /^tsk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  /** The full key. Show it to the caller once; it is never stored or logged. */
  readonly key: string;
  /** Public lookup handle, safe to display and log. */
  readonly prefix: string;
}

export interface ParsedApiKey {
  readonly prefix: string;
  readonly secret: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBytes(PREFIX_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { key: `${API_KEY_TAG}_${prefix}_${secret}`, prefix };
}

/** Returns null for anything that is not a well-formed key, so callers never hash attacker-sized input. */
export function parseApiKey(presented: string): ParsedApiKey | null {
  const match = API_KEY_PATTERN.exec(presented);
  if (!match) {
    return null;
  }
  return { prefix: match[1], secret: match[2] };
}

export function assertPepper(pepper: Uint8Array): void {
  if (pepper.length < MIN_PEPPER_BYTES) {
    throw new Error(`API key pepper must be at least ${MIN_PEPPER_BYTES} bytes`);
  }
}

/**
 * Hex HMAC of the whole key. Hashing the prefix too binds the secret to its row: a secret cannot be
 * replayed under another prefix.
 */
export function hashApiKey(key: string, pepper: Uint8Array): string {
  assertPepper(pepper);
  return createHmac('sha256', pepper).update(key, 'utf8').digest('hex');
}

export function verifyApiKey(presented: string, storedHash: string, pepper: Uint8Array): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = Buffer.from(hashApiKey(presented, pepper), 'hex');
  // timingSafeEqual throws on unequal lengths; a corrupt stored hash is simply a mismatch.
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
