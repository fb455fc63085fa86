/**
 * Near-duplicate sketches chosen by media type: a perceptual hash for PNG/JPEG images, MinHash over byte
 * shingles for everything else (text and tabular data normalised as text, other content as raw bytes).
 */
import { Transform, TransformCallback } from 'node:stream';

import { SketchError } from './errors';
import {
  estimateJaccard,
  MinHasher,
  MinHashOptions,
  MinHashSketch,
  minHashComparable,
  ShingleNormalization,
} from './minhash';
import { ThreadedMinHasher } from './minhash-thread';
import { hammingSimilarity, perceptualHash, PHashSketch } from './phash';

export type SketchKind = 'minhash' | 'phash';
export type Sketch = MinHashSketch | PHashSketch;

export interface Sketcher {
  readonly kind: SketchKind;
  update(chunk: Uint8Array): this;
  digest(): Sketch;
}

/** Encoded images above this size are not buffered for decoding; digest() then fails with SketchError. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

const TEXT_TYPES = new Set([
  'application/json',
  'application/x-ndjson',
  'application/jsonl',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/sql',
  'application/csv',
  'application/javascript',
  'application/typescript',
  'application/x-python',
]);

/** Lower-cased media type without parameters ("text/csv; charset=utf-8" → "text/csv"). */
function essence(mediaType: string): string {
  return mediaType.split(';')[0].trim().toLowerCase();
}

export function sketchKind(mediaType: string): SketchKind {
  const type = essence(mediaType);
  return type === 'image/png' || type === 'image/jpeg' || type === 'image/jpg' ? 'phash' : 'minhash';
}

export function shingleNormalization(mediaType: string): ShingleNormalization {
  const type = essence(mediaType);
  return type.startsWith('text/') || TEXT_TYPES.has(type) || type.endsWith('+json') || type.endsWith('+xml')
    ? 'text'
    : 'none';
}

class MinHashSketcher implements Sketcher {
  readonly kind = 'minhash';
  private readonly hasher: MinHasher;

  constructor(opts: MinHashOptions) {
    this.hasher = new MinHasher(opts);
  }

  update(chunk: Uint8Array): this {
    this.hasher.update(chunk);
    return this;
  }

  digest(): MinHashSketch {
    return this.hasher.digest();
  }
}

class PHashSketcher implements Sketcher {
  readonly kind = 'phash';
  private chunks: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  update(chunk: Uint8Array): this {
    this.size += chunk.length;
    if (this.size <= this.maxBytes) {
      this.chunks.push(chunk);
    } else {
      this.chunks = [];
    }
    return this;
  }

  digest(): PHashSketch {
    if (this.size > this.maxBytes) {
      throw new SketchError(`image of ${this.size} bytes exceeds the ${this.maxBytes}-byte sketch limit`);
    }
    const bytes = Buffer.concat(this.chunks);
    this.chunks = [];
    return perceptualHash(bytes);
  }
}

export interface SketcherOptions {
  /** MinHash shingle size; default 9. */
  shingleSize?: number;
  maxImageBytes?: number;
}

/** A streaming sketcher for content of this media type; feed chunks with update(), then digest() once. */
export function createSketcher(mediaType: string, opts: SketcherOptions = {}): Sketcher {
  const kind = sketchKind(mediaType);
  switch (kind) {
    case 'phash':
      return new PHashSketcher(opts.maxImageBytes ?? MAX_IMAGE_BYTES);
    case 'minhash':
      return new MinHashSketcher({ shingleSize: opts.shingleSize, normalize: shingleNormalization(mediaType) });
  }
}

/**
 * A sketcher for an upload stream: like Sketcher, but `update()` may return a promise (wait for it before the
 * next chunk) and `digest()` is asynchronous. MinHash runs on the sketch worker thread (minhash-thread.ts), so it
 * overlaps the rest of the upload; the sketch is bit-identical to createSketcher's. `close()` releases a sketch
 * that will not be digested (a failed upload).
 */
export interface StreamSketcher {
  readonly kind: SketchKind;
  update(chunk: Uint8Array): Promise<void> | undefined;
  digest(): Promise<Sketch>;
  close(): void;
}

export function createStreamSketcher(mediaType: string, opts: SketcherOptions = {}): StreamSketcher {
  if (sketchKind(mediaType) === 'minhash') {
    const hasher = new ThreadedMinHasher({ shingleSize: opts.shingleSize, normalize: shingleNormalization(mediaType) });
    return {
      kind: 'minhash',
      update: (chunk) => hasher.update(chunk),
      digest: () => hasher.digest(),
      close: () => hasher.close(),
    };
  }
  const sketcher = createSketcher(mediaType, opts);
  return {
    kind: sketcher.kind,
    update: (chunk) => {
      sketcher.update(chunk);
      return undefined;
    },
    digest: () => Promise.resolve().then(() => sketcher.digest()),
    close: () => undefined,
  };
}

export function sketchesComparable(a: Sketch, b: Sketch): boolean {
  if (a.kind === 'minhash' && b.kind === 'minhash') {
    return minHashComparable(a, b);
  }
  return a.kind === 'phash' && b.kind === 'phash';
}

/** Similarity in [0, 1]: estimated Jaccard for MinHash, 1 − Hamming/64 for pHash (≈0.5 for unrelated images). */
export function similarity(a: Sketch, b: Sketch): number {
  if (a.kind === 'minhash' && b.kind === 'minhash') {
    return estimateJaccard(a, b);
  }
  if (a.kind === 'phash' && b.kind === 'phash') {
    return hammingSimilarity(a, b);
  }
  throw new RangeError(`cannot compare a ${a.kind} sketch with a ${b.kind} sketch`);
}

/** Compact, versioned text form for storage and events. */
export function encodeSketch(sketch: Sketch): string {
  switch (sketch.kind) {
    case 'phash':
      return `phash1:${sketch.hash}:${sketch.width}x${sketch.height}`;
    case 'minhash': {
      const registers = Buffer.from(sketch.registers.buffer, sketch.registers.byteOffset, sketch.registers.byteLength);
      return `minhash1:${sketch.shingleSize}:${sketch.seed}:${sketch.normalize}:${sketch.shingles}:${registers.toString('base64')}`;
    }
  }
}

export function decodeSketch(encoded: string): Sketch {
  const parts = encoded.split(':');
  if (parts[0] === 'phash1' && parts.length === 3 && /^[0-9a-f]{16}$/.test(parts[1])) {
    const [width, height] = parts[2].split('x').map(Number);
    if (Number.isSafeInteger(width) && Number.isSafeInteger(height)) {
      return { kind: 'phash', hash: parts[1], width, height };
    }
  }
  if (parts[0] === 'minhash1' && parts.length === 6 && (parts[3] === 'text' || parts[3] === 'none')) {
    const bytes = Buffer.from(parts[5], 'base64');
    const [shingleSize, seed, shingles] = [parts[1], parts[2], parts[4]].map(Number);
    if (bytes.length % 8 === 0 && bytes.length > 0 && [shingleSize, seed, shingles].every(Number.isSafeInteger)) {
      // Copy into an aligned buffer: a Float64Array view needs 8-byte alignment.
      const registers = new Float64Array(bytes.length / 8);
      Buffer.from(registers.buffer).set(bytes);
      return { kind: 'minhash', shingleSize, seed, normalize: parts[3], shingles, registers };
    }
  }
  throw new RangeError('not an encoded sketch');
}

export interface ChunkSink {
  /** A sink that returns a promise holds the stream until it resolves (backpressure from a slower sink). */
  update(chunk: Buffer): unknown;
}

/**
 * Pass-through stream feeding every chunk to the sinks (a MerkleHasher, a Sketcher, ...) without copying it,
 * so fingerprinting adds one stream stage to an upload pipeline, not one per fingerprint.
 */
export function createTapStream(...sinks: ChunkSink[]): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      try {
        let pending: Promise<unknown>[] | undefined;
        for (const sink of sinks) {
          const taken = sink.update(chunk);
          if (taken instanceof Promise) {
            (pending ??= []).push(taken);
          }
        }
        if (pending) {
          Promise.all(pending).then(
            () => callback(null, chunk),
            (err: unknown) => callback(err as Error),
          );
          return;
        }
        callback(null, chunk);
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}
