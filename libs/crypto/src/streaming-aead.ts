/**
 * Segmented streaming AEAD modelled on Tink's AES-GCM-HKDF streaming AEAD.
 *
 * Ciphertext layout:
 *   header  = headerLength (1 byte, = 40) ‖ salt (32) ‖ noncePrefix (7)
 *   segment = AES-256-GCM(streamKey, nonce_i, plaintext_i) ‖ tag (16)
 * streamKey = HKDF-SHA256(ikm = dataKey, salt, info = associated data (the content id)), 32 bytes.
 * nonce_i   = noncePrefix (7) ‖ i (uint32 BE) ‖ lastSegmentFlag (1 byte, 0x00 | 0x01).
 *
 * Every plaintext segment holds exactly `segmentSize` bytes except the last, which holds 1..segmentSize bytes
 * (0 only for empty plaintext: one empty final segment). Unlike Tink, the first segment is not shortened by the
 * header, so plaintext segment i is plaintext bytes [i·S, (i+1)·S): ranges and Merkle leaves map onto segments
 * with plain arithmetic. The segment size is a parameter (like Tink's key parameters), not part of the header;
 * a decryptor using the wrong size fails authentication rather than yielding wrong plaintext.
 *
 * Default segment size 256 KiB: tag overhead is 0.006 %, per-segment cipher set-up is negligible at this size,
 * a decrypting stream holds at most ~2 segments (512 KiB) per concurrent download, and a ranged read fetches at
 * most 256 KiB beyond the range on each side. Larger segments add memory per download without measurable
 * throughput gain; much smaller ones start to cost per-segment overhead.
 */
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, KeyObject, randomBytes } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

import { IntegrityError } from './errors';

export const DATA_KEY_BYTES = 32;
export const SALT_BYTES = 32;
export const NONCE_PREFIX_BYTES = 7;
export const TAG_BYTES = 16;
export const HEADER_BYTES = 1 + SALT_BYTES + NONCE_PREFIX_BYTES;
export const DEFAULT_SEGMENT_SIZE = 256 * 1024;
export const MAX_SEGMENT_SIZE = 64 * 1024 * 1024;
/** The segment index is a uint32 in the nonce. */
export const MAX_SEGMENTS = 2 ** 32;
const ALGORITHM = 'aes-256-gcm';
// Node's HKDF rejects longer info; content ids are far shorter.
const MAX_ASSOCIATED_DATA_BYTES = 1024;

export type AssociatedData = string | Uint8Array;

export interface StreamAeadOptions {
  /** Plaintext bytes per segment; must match between encryption and decryption. */
  segmentSize?: number;
}

function resolveSegmentSize(opts?: StreamAeadOptions): number {
  const size = opts?.segmentSize ?? DEFAULT_SEGMENT_SIZE;
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_SEGMENT_SIZE) {
    throw new RangeError(`segmentSize must be an integer in 1..${MAX_SEGMENT_SIZE}, got ${size}`);
  }
  return size;
}

function associatedDataBytes(aad: AssociatedData): Buffer {
  const bytes =
    typeof aad === 'string' ? Buffer.from(aad, 'utf8') : Buffer.from(aad.buffer, aad.byteOffset, aad.length);
  if (bytes.length > MAX_ASSOCIATED_DATA_BYTES) {
    throw new RangeError(`associated data must be at most ${MAX_ASSOCIATED_DATA_BYTES} bytes`);
  }
  return bytes;
}

function checkDataKey(dataKey: Uint8Array): void {
  if (dataKey.length !== DATA_KEY_BYTES) {
    throw new RangeError(`data key must be ${DATA_KEY_BYTES} bytes, got ${dataKey.length}`);
  }
}

/** The derived key lives only inside a KeyObject; the transient JS copy is zeroed at once. */
function deriveStreamKey(dataKey: Uint8Array, salt: Uint8Array, aad: AssociatedData): KeyObject {
  checkDataKey(dataKey);
  const derived = Buffer.from(hkdfSync('sha256', dataKey, salt, associatedDataBytes(aad), DATA_KEY_BYTES));
  try {
    return createSecretKey(derived);
  } finally {
    derived.fill(0);
  }
}

function segmentNonce(noncePrefix: Buffer, index: number, last: boolean): Buffer {
  if (index >= MAX_SEGMENTS) {
    throw new RangeError(`stream exceeds ${MAX_SEGMENTS} segments`);
  }
  const nonce = Buffer.allocUnsafe(NONCE_PREFIX_BYTES + 5);
  noncePrefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, NONCE_PREFIX_BYTES);
  nonce[NONCE_PREFIX_BYTES + 4] = last ? 1 : 0;
  return nonce;
}

function segmentFailure(index: number, last: boolean): IntegrityError {
  return new IntegrityError(
    `segment ${index}${last ? ' (final)' : ''} failed authentication: the ciphertext was altered, truncated or ` +
      'reordered, or it belongs to another content id or data key',
  );
}

interface ParsedHeader {
  salt: Buffer;
  noncePrefix: Buffer;
}

function parseHeader(header: Uint8Array): ParsedHeader {
  if (header.length < HEADER_BYTES) {
    throw new IntegrityError(`ciphertext header is truncated (${header.length} of ${HEADER_BYTES} bytes)`);
  }
  if (header[0] !== HEADER_BYTES) {
    throw new IntegrityError(`ciphertext header is malformed (length byte ${header[0]}, expected ${HEADER_BYTES})`);
  }
  const bytes = Buffer.from(header.buffer, header.byteOffset, HEADER_BYTES);
  return {
    salt: Buffer.from(bytes.subarray(1, 1 + SALT_BYTES)),
    noncePrefix: Buffer.from(bytes.subarray(1 + SALT_BYTES, HEADER_BYTES)),
  };
}

/**
 * Collects the bytes of one segment as references to the written chunks (no copy) and hands a full segment
 * on only once it is known whether more bytes follow, because the last-segment flag is part of the nonce.
 */
abstract class SegmentingTransform extends Transform {
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  protected index = 0;

  constructor(private readonly unitBytes: number) {
    super();
  }

  /** Seals (encrypt) or opens (decrypt) the pending unit and pushes its output. */
  protected abstract process(pieces: Buffer[], length: number, last: boolean): void;

  /** Returns the offset in `chunk` where segment data starts (after any header handling). */
  protected abstract consumePrefix(chunk: Buffer): number;

  protected abstract finish(pieces: Buffer[], length: number): void;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      let offset = this.consumePrefix(chunk);
      while (chunk.length - offset > this.unitBytes - this.pendingBytes) {
        // More bytes follow this unit, so it is not the final one.
        const take = this.unitBytes - this.pendingBytes;
        this.retain(chunk.subarray(offset, offset + take));
        offset += take;
        this.flushUnit(false);
      }
      if (offset < chunk.length) {
        this.retain(chunk.subarray(offset));
      }
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      const pieces = this.pieces;
      const length = this.pendingBytes;
      this.pieces = [];
      this.pendingBytes = 0;
      this.finish(pieces, length);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private flushUnit(last: boolean): void {
    const pieces = this.pieces;
    const length = this.pendingBytes;
    this.pieces = [];
    this.pendingBytes = 0;
    this.process(pieces, length, last);
    this.index += 1;
  }

  private retain(piece: Buffer): void {
    this.pieces.push(piece);
    this.pendingBytes += piece.length;
  }
}

class EncryptTransform extends SegmentingTransform {
  private headerSent = false;

  constructor(
    private readonly key: KeyObject,
    private readonly header: Buffer,
    private readonly noncePrefix: Buffer,
    segmentSize: number,
  ) {
    super(segmentSize);
  }

  protected consumePrefix(): number {
    this.sendHeader();
    return 0;
  }

  protected finish(pieces: Buffer[], length: number): void {
    this.sendHeader();
    this.process(pieces, length, true);
  }

  protected process(pieces: Buffer[], _length: number, last: boolean): void {
    const cipher = createCipheriv(ALGORITHM, this.key, segmentNonce(this.noncePrefix, this.index, last), {
      authTagLength: TAG_BYTES,
    });
    for (const piece of pieces) {
      const out = cipher.update(piece);
      if (out.length > 0) {
        this.push(out);
      }
    }
    cipher.final();
    this.push(cipher.getAuthTag());
  }

  private sendHeader(): void {
    if (!this.headerSent) {
      this.headerSent = true;
      this.push(this.header);
    }
  }
}

class DecryptTransform extends SegmentingTransform {
  private readonly headerBytes = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private key: KeyObject | undefined;
  private noncePrefix: Buffer | undefined;
  // Own copy, so a caller may zero its key right after creating the stream; wiped once the header is read.
  private readonly dataKey: Buffer;

  constructor(
    dataKey: Uint8Array,
    private readonly aad: AssociatedData,
    segmentSize: number,
  ) {
    super(segmentSize + TAG_BYTES);
    this.dataKey = Buffer.allocUnsafeSlow(dataKey.length);
    this.dataKey.set(dataKey);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.dataKey.fill(0);
    callback(error);
  }

  protected consumePrefix(chunk: Buffer): number {
    if (this.key) {
      return 0;
    }
    const take = Math.min(HEADER_BYTES - this.headerFill, chunk.length);
    chunk.copy(this.headerBytes, this.headerFill, 0, take);
    this.headerFill += take;
    if (this.headerFill === HEADER_BYTES) {
      const { salt, noncePrefix } = parseHeader(this.headerBytes);
      this.key = deriveStreamKey(this.dataKey, salt, this.aad);
      this.dataKey.fill(0);
      this.noncePrefix = noncePrefix;
    }
    return take;
  }

  protected finish(pieces: Buffer[], length: number): void {
    if (!this.key) {
      throw new IntegrityError(`ciphertext is truncated: the stream ended inside the ${HEADER_BYTES}-byte header`);
    }
    this.process(pieces, length, true);
  }

  protected process(pieces: Buffer[], length: number, last: boolean): void {
    if (!this.key || !this.noncePrefix) {
      throw new IntegrityError('ciphertext header missing');
    }
    if (length < TAG_BYTES) {
      throw new IntegrityError(`ciphertext is truncated: segment ${this.index} is shorter than its tag`);
    }
    const decipher = createDecipheriv(ALGORITHM, this.key, segmentNonce(this.noncePrefix, this.index, last), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(tailBytes(pieces, TAG_BYTES));
    // Plaintext is held back until the tag verifies: nothing unauthenticated ever leaves the stream.
    const out: Buffer[] = [];
    let remaining = length - TAG_BYTES;
    for (const piece of pieces) {
      if (remaining <= 0) {
        break;
      }
      const body = piece.length <= remaining ? piece : piece.subarray(0, remaining);
      remaining -= body.length;
      const plain = decipher.update(body);
      if (plain.length > 0) {
        out.push(plain);
      }
    }
    try {
      decipher.final();
    } catch {
      throw segmentFailure(this.index, last);
    }
    for (const plain of out) {
      this.push(plain);
    }
  }
}

function tailBytes(pieces: Buffer[], n: number): Buffer {
  const last = pieces[pieces.length - 1];
  if (last && last.length >= n) {
    return last.subarray(last.length - n);
  }
  const tail = Buffer.allocUnsafe(n);
  let need = n;
  for (let i = pieces.length - 1; i >= 0 && need > 0; i--) {
    const piece = pieces[i];
    const take = Math.min(need, piece.length);
    piece.copy(tail, need - take, piece.length - take);
    need -= take;
  }
  return tail;
}

/**
 * Encrypts a plaintext stream. The output starts with the header; the stream holds at most one segment of
 * written plaintext (by reference: callers must not mutate buffers after writing them, as for any Writable).
 */
export function createEncryptStream(dataKey: Uint8Array, aad: AssociatedData, opts?: StreamAeadOptions): Transform {
  const segmentSize = resolveSegmentSize(opts);
  const salt = randomBytes(SALT_BYTES);
  const noncePrefix = randomBytes(NONCE_PREFIX_BYTES);
  const key = deriveStreamKey(dataKey, salt, aad);
  const header = Buffer.concat([Buffer.of(HEADER_BYTES), salt, noncePrefix]);
  return new EncryptTransform(key, header, noncePrefix, segmentSize);
}

/**
 * Decrypts a ciphertext stream. Each segment's plaintext is emitted only after its tag verifies; any failure
 * destroys the stream with an IntegrityError. Holds at most one ciphertext segment plus its plaintext.
 */
export function createDecryptStream(dataKey: Uint8Array, aad: AssociatedData, opts?: StreamAeadOptions): Transform {
  checkDataKey(dataKey);
  associatedDataBytes(aad);
  return new DecryptTransform(dataKey, aad, resolveSegmentSize(opts));
}

/** Number of segments a plaintext of this size is split into (an empty plaintext still has one). */
export function segmentCount(plaintextSize: number, segmentSize = DEFAULT_SEGMENT_SIZE): number {
  checkSize(plaintextSize, 'plaintextSize');
  resolveSegmentSize({ segmentSize });
  return plaintextSize === 0 ? 1 : Math.ceil(plaintextSize / segmentSize);
}

/** Exact ciphertext size for a plaintext size. */
export function ciphertextSize(plaintextSize: number, segmentSize = DEFAULT_SEGMENT_SIZE): number {
  return HEADER_BYTES + plaintextSize + segmentCount(plaintextSize, segmentSize) * TAG_BYTES;
}

/** Inverse of ciphertextSize; throws IntegrityError for a size no encryption can produce (truncation). */
export function plaintextSize(ciphertextBytes: number, segmentSize = DEFAULT_SEGMENT_SIZE): number {
  checkSize(ciphertextBytes, 'ciphertextSize');
  resolveSegmentSize({ segmentSize });
  const body = ciphertextBytes - HEADER_BYTES;
  const full = segmentSize + TAG_BYTES;
  const segments = Math.ceil(body / full);
  const lastLength = body - (segments - 1) * full;
  // Valid: exactly one empty final segment, or a final segment holding at least one plaintext byte.
  if (body < TAG_BYTES || (segments > 1 && lastLength <= TAG_BYTES)) {
    throw new IntegrityError(`ciphertext size ${ciphertextBytes} is impossible for segment size ${segmentSize}`);
  }
  return body - segments * TAG_BYTES;
}

function checkSize(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
  }
}

export interface SegmentSpan {
  firstSegment: number;
  lastSegment: number;
  /** Byte range [ciphertextStart, ciphertextEnd) of the whole ciphertext object to fetch for these segments. */
  ciphertextStart: number;
  ciphertextEnd: number;
}

/**
 * Random access over a stored ciphertext whose total size is known (e.g. from object metadata): fetch the header
 * once, then fetch and decrypt only the segments a plaintext range needs.
 */
export class SegmentReader {
  readonly plaintextSize: number;
  readonly segmentCount: number;
  readonly segmentSize: number;
  private readonly key: KeyObject;
  private readonly noncePrefix: Buffer;

  constructor(
    dataKey: Uint8Array,
    aad: AssociatedData,
    header: Uint8Array,
    readonly ciphertextSize: number,
    opts?: StreamAeadOptions,
  ) {
    this.segmentSize = resolveSegmentSize(opts);
    this.plaintextSize = plaintextSize(ciphertextSize, this.segmentSize);
    this.segmentCount = segmentCount(this.plaintextSize, this.segmentSize);
    const { salt, noncePrefix } = parseHeader(header);
    this.key = deriveStreamKey(dataKey, salt, aad);
    this.noncePrefix = noncePrefix;
  }

  /** Ciphertext byte range holding segment `index` (ciphertext + tag). */
  segmentRange(index: number): { start: number; end: number } {
    this.checkIndex(index);
    const start = HEADER_BYTES + index * (this.segmentSize + TAG_BYTES);
    return { start, end: Math.min(start + this.segmentSize + TAG_BYTES, this.ciphertextSize) };
  }

  /** Segments and ciphertext bytes covering plaintext bytes [start, end). */
  span(start: number, end: number): SegmentSpan {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end <= start) {
      throw new RangeError(`invalid plaintext range [${start}, ${end})`);
    }
    if (end > this.plaintextSize) {
      throw new RangeError(`plaintext range [${start}, ${end}) exceeds size ${this.plaintextSize}`);
    }
    const firstSegment = Math.floor(start / this.segmentSize);
    const lastSegment = Math.floor((end - 1) / this.segmentSize);
    return {
      firstSegment,
      lastSegment,
      ciphertextStart: this.segmentRange(firstSegment).start,
      ciphertextEnd: this.segmentRange(lastSegment).end,
    };
  }

  /** Decrypts and authenticates one segment given exactly its ciphertext bytes. */
  decryptSegment(index: number, segmentCiphertext: Uint8Array): Buffer {
    const { start, end } = this.segmentRange(index);
    if (segmentCiphertext.length !== end - start) {
      throw new IntegrityError(
        `segment ${index} must be ${end - start} ciphertext bytes, got ${segmentCiphertext.length}`,
      );
    }
    const last = index === this.segmentCount - 1;
    const bytes = Buffer.from(segmentCiphertext.buffer, segmentCiphertext.byteOffset, segmentCiphertext.length);
    const decipher = createDecipheriv(ALGORITHM, this.key, segmentNonce(this.noncePrefix, index, last), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plain = decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES));
    try {
      decipher.final();
    } catch {
      throw segmentFailure(index, last);
    }
    return plain;
  }

  /**
   * Plaintext bytes [start, end) from the ciphertext bytes [span.ciphertextStart, span.ciphertextEnd) of
   * `span(start, end)`. Every touched segment is authenticated in full before any byte is returned.
   */
  decryptRange(start: number, end: number, ciphertext: Uint8Array): Buffer {
    const span = this.span(start, end);
    if (ciphertext.length !== span.ciphertextEnd - span.ciphertextStart) {
      throw new IntegrityError(
        `range needs ${span.ciphertextEnd - span.ciphertextStart} ciphertext bytes, got ${ciphertext.length}`,
      );
    }
    const parts: Buffer[] = [];
    for (let i = span.firstSegment; i <= span.lastSegment; i++) {
      const { start: s, end: e } = this.segmentRange(i);
      parts.push(this.decryptSegment(i, ciphertext.subarray(s - span.ciphertextStart, e - span.ciphertextStart)));
    }
    const joined = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const offset = start - span.firstSegment * this.segmentSize;
    return joined.subarray(offset, offset + (end - start));
  }

  private checkIndex(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.segmentCount) {
      throw new RangeError(`segment index ${index} out of range 0..${this.segmentCount - 1}`);
    }
  }
}
