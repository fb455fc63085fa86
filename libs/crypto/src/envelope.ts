/**
 * Envelope encryption: each content item has its own 32-byte data key, stored only wrapped by a versioned KEK.
 *
 * The wrap binds the content id and the KEK version as AES-GCM associated data, so a wrapped key copied onto
 * another content row, or relabelled with another KEK version, fails to unwrap instead of decrypting anything.
 *
 * Key hygiene in JS: we keep data keys in Buffers outside Node's shared allocation pool and zero the ones we
 * own once done, and KEKs live only inside KeyObjects. What JS cannot guarantee: the GC may have copied memory
 * before it is zeroed; OpenSSL and Node keep their own copies in cipher contexts and KeyObjects, freed (not
 * necessarily wiped) when collected; base64 KEK strings from configuration are immutable and cannot be wiped;
 * and buffers a caller holds are the caller's to zero (use zeroize()).
 */
import { createCipheriv, createDecipheriv, createSecretKey, KeyObject, randomBytes, randomFillSync } from 'node:crypto';

import { IntegrityError, KekVersionRefusedError, KekVersionUnknownError } from './errors';
import { DATA_KEY_BYTES } from './streaming-aead';

export interface WrappedDataKey {
  /** KEK version that wrapped the key; stored next to the wrapped bytes. */
  version: number;
  wrapped: Buffer;
}

/**
 * A key-encryption-key backend. A KMS or Vault transit implementation passes the content id as its encryption
 * context (KMS EncryptionContext, transit `context`/associated_data) to keep the same binding.
 */
export interface KekProvider {
  currentVersion(): Promise<number>;
  wrap(dataKey: Uint8Array, contentId: string): Promise<WrappedDataKey>;
  /** Throws KekVersionRefusedError below the minimum decryption version, IntegrityError if it does not verify. */
  unwrap(version: number, wrapped: Uint8Array, contentId: string): Promise<Buffer>;
}

export interface LocalKekConfig {
  /** KEK version → base64 of 32 random bytes. */
  keys: Record<number | string, string>;
  currentVersion: number;
  /** Unwrapping with an older version is refused (retired keys); defaults to the oldest configured version. */
  minDecryptionVersion?: number;
}

const WRAP_FORMAT = 0x01;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_BYTES = 1 + NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES;
const AAD_LABEL = Buffer.from('tessera/data-key/v1\0', 'utf8');
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

/** A fresh random data key in its own (unpooled) memory, so zeroing it cannot touch or miss shared bytes. */
export function generateDataKey(): Buffer {
  const key = Buffer.allocUnsafeSlow(DATA_KEY_BYTES);
  randomFillSync(key);
  return key;
}

export function zeroize(...buffers: (Uint8Array | undefined)[]): void {
  for (const buffer of buffers) {
    buffer?.fill(0);
  }
}

function wrapAad(version: number, contentId: string): Buffer {
  if (contentId.length === 0) {
    throw new RangeError('contentId must not be empty');
  }
  const versionBytes = Buffer.allocUnsafe(4);
  versionBytes.writeUInt32BE(version);
  return Buffer.concat([AAD_LABEL, versionBytes, Buffer.from(contentId, 'utf8')]);
}

function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 1 || version > 0xffffffff) {
    throw new RangeError(`KEK version must be an integer in 1..2^32-1, got ${version}`);
  }
}

/** Runs `fn` now; a throw becomes a rejection, as callers of an async provider expect. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(fn()));
}

/** KEKs from configuration (env/secret file). Suits local runs and tests; production should use a KMS/Vault. */
export class LocalKekProvider implements KekProvider {
  private readonly keks = new Map<number, KeyObject>();
  private readonly current: number;
  readonly minDecryptionVersion: number;

  constructor(config: LocalKekConfig) {
    for (const [label, base64] of Object.entries(config.keys)) {
      const version = Number(label);
      checkVersion(version);
      if (!BASE64_32_BYTES.test(base64)) {
        throw new RangeError(`KEK version ${version} must be base64 of exactly 32 bytes`);
      }
      const raw = Buffer.from(base64, 'base64');
      this.keks.set(version, createSecretKey(raw));
      raw.fill(0);
    }
    if (!this.keks.has(config.currentVersion)) {
      throw new RangeError(`current KEK version ${config.currentVersion} is not among the configured keys`);
    }
    this.current = config.currentVersion;
    this.minDecryptionVersion = config.minDecryptionVersion ?? Math.min(...this.keks.keys());
    checkVersion(this.minDecryptionVersion);
    if (this.minDecryptionVersion > this.current) {
      throw new RangeError(
        `minimum decryption version ${this.minDecryptionVersion} is above the current version ${this.current}`,
      );
    }
  }

  /** Parses "1:<base64>,2:<base64>" (e.g. from an environment variable) into the keys map. */
  static parseKeyring(spec: string): Record<number, string> {
    const keys: Record<number, string> = {};
    for (const entry of spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const at = entry.indexOf(':');
      const version = Number(entry.slice(0, at));
      if (at < 1 || !Number.isSafeInteger(version)) {
        throw new RangeError('keyring entries must look like "<version>:<base64 key>"');
      }
      if (version in keys) {
        throw new RangeError(`KEK version ${version} appears twice in the keyring`);
      }
      keys[version] = entry.slice(at + 1);
    }
    return keys;
  }

  currentVersion(): Promise<number> {
    return Promise.resolve(this.current);
  }

  wrap(dataKey: Uint8Array, contentId: string): Promise<WrappedDataKey> {
    return settle(() => this.wrapNow(dataKey, contentId));
  }

  unwrap(version: number, wrapped: Uint8Array, contentId: string): Promise<Buffer> {
    return settle(() => this.unwrapNow(version, wrapped, contentId));
  }

  private wrapNow(dataKey: Uint8Array, contentId: string): WrappedDataKey {
    if (dataKey.length !== DATA_KEY_BYTES) {
      throw new RangeError(`data key must be ${DATA_KEY_BYTES} bytes, got ${dataKey.length}`);
    }
    const version = this.current;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.kek(version), nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(wrapAad(version, contentId));
    const body = cipher.update(dataKey);
    cipher.final();
    const wrapped = Buffer.concat([Buffer.of(WRAP_FORMAT), nonce, body, cipher.getAuthTag()], WRAPPED_BYTES);
    return { version, wrapped };
  }

  private unwrapNow(version: number, wrapped: Uint8Array, contentId: string): Buffer {
    checkVersion(version);
    if (version < this.minDecryptionVersion) {
      throw new KekVersionRefusedError(version, this.minDecryptionVersion);
    }
    const kek = this.kek(version);
    if (wrapped.length !== WRAPPED_BYTES || wrapped[0] !== WRAP_FORMAT) {
      throw new IntegrityError(`wrapped data key is malformed (${wrapped.length} bytes)`);
    }
    const bytes = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.length);
    const decipher = createDecipheriv('aes-256-gcm', kek, bytes.subarray(1, 1 + NONCE_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(wrapAad(version, contentId));
    decipher.setAuthTag(bytes.subarray(WRAPPED_BYTES - TAG_BYTES));
    const plain = decipher.update(bytes.subarray(1 + NONCE_BYTES, WRAPPED_BYTES - TAG_BYTES));
    try {
      decipher.final();
    } catch {
      plain.fill(0);
      throw new IntegrityError(
        `wrapped data key failed authentication under KEK version ${version}: it was altered, or it belongs to ` +
          'another content id or KEK version',
      );
    }
    const key = Buffer.allocUnsafeSlow(DATA_KEY_BYTES);
    plain.copy(key);
    plain.fill(0);
    return key;
  }

  private kek(version: number): KeyObject {
    const kek = this.keks.get(version);
    if (!kek) {
      throw new KekVersionUnknownError(version);
    }
    return kek;
  }
}

/** True when the key should be re-wrapped under the current KEK (rotation job). */
export async function needsRewrap(provider: KekProvider, wrapped: WrappedDataKey): Promise<boolean> {
  return wrapped.version !== (await provider.currentVersion());
}

/** Unwraps with the stored version and wraps with the current one; the plaintext key is zeroed either way. */
export async function rewrapDataKey(
  provider: KekProvider,
  wrapped: WrappedDataKey,
  contentId: string,
): Promise<WrappedDataKey> {
  const dataKey = await provider.unwrap(wrapped.version, wrapped.wrapped, contentId);
  try {
    return await provider.wrap(dataKey, contentId);
  } finally {
    zeroize(dataKey);
  }
}

/** Runs `use` with the unwrapped data key and zeroes the key afterwards, whether `use` succeeds or throws. */
export async function withDataKey<T>(
  provider: KekProvider,
  wrapped: WrappedDataKey,
  contentId: string,
  use: (dataKey: Buffer) => Promise<T> | T,
): Promise<T> {
  const dataKey = await provider.unwrap(wrapped.version, wrapped.wrapped, contentId);
  try {
    return await use(dataKey);
  } finally {
    zeroize(dataKey);
  }
}
