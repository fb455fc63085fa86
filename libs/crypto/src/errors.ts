/** Stable codes so a service's exception filter can map crypto failures without matching on messages. */
export enum CryptoErrorCode {
  Integrity = 'CRYPTO_INTEGRITY',
  KekVersionRefused = 'CRYPTO_KEK_VERSION_REFUSED',
  KekVersionUnknown = 'CRYPTO_KEK_VERSION_UNKNOWN',
  SketchFailed = 'CRYPTO_SKETCH_FAILED',
}

export abstract class CryptoError extends Error {
  abstract readonly code: CryptoErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Ciphertext, a wrapped key or a proof does not authenticate: it was altered, truncated, reordered or misbound. */
export class IntegrityError extends CryptoError {
  readonly code = CryptoErrorCode.Integrity;
}

/** The KEK version is older than the configured minimum decryption version. */
export class KekVersionRefusedError extends CryptoError {
  readonly code = CryptoErrorCode.KekVersionRefused;

  constructor(
    readonly version: number,
    readonly minDecryptionVersion: number,
  ) {
    super(`KEK version ${version} is below the minimum decryption version ${minDecryptionVersion}`);
  }
}

/** The KEK version is not known to this provider (not configured, or never existed). */
export class KekVersionUnknownError extends CryptoError {
  readonly code = CryptoErrorCode.KekVersionUnknown;

  constructor(readonly version: number) {
    super(`KEK version ${version} is not configured`);
  }
}

/** Content could not be sketched (undecodable or oversized image). */
export class SketchError extends CryptoError {
  readonly code = CryptoErrorCode.SketchFailed;
}
