/**
 * MinHash sketch (128 registers) over byte k-shingles, for near-duplicate detection of text and tabular content.
 *
 * Shingles: every window of k bytes (after optional text normalisation) gets a 64-bit identity (x1, x2) from two
 * polynomial hashes. x1 is rolled over the input (O(1) per byte; the state carries across chunks, so any chunking
 * gives the same sketch); x2 is computed from the k window bytes only for the rare shingles that reach the registers.
 *
 * Registers: SuperMinHash (O. Ertl, 2017). Each shingle drives a pseudo-random generator keyed by its identity
 * and the fixed seed; register i is the minimum over all shingles of a value derived from a random permutation of
 * the 128 registers. The Jaccard estimator is the classic one (fraction of equal registers), with no more variance
 * than 128 independent permutations, and the sketch is deterministic, so sketches from any process are comparable
 * and suit LSH banding. Why not 128 separate hash functions: that costs 128 hash evaluations per input byte.
 *
 * Per-byte cost: the generator's first draw is fmix32(x1 ^ seed), and once every register is below 1 (after ~700
 * shingles) a shingle can only change a register if that draw is below the largest register. So each byte costs one
 * rolling-hash step, one mix and one comparison; the full insertion runs for about 128·ln(n) of n shingles. This
 * skip is exact: every shingle still counts and the sketch equals the unfiltered one (no sampling, so no extra
 * variance for small or large inputs alike). Sketches from earlier builds (same "minhash1" text form, before this
 * first-draw rule) hold different register values and do not compare with current ones.
 *
 * Memory is bounded by construction: 128 registers, the permutation scratch (2 × 128 numbers), a histogram
 * and the last k bytes, whatever the input size. Nothing per shingle is stored, so no sampling or input cap is
 * needed to bound memory; CPU is linear in the input with a small constant.
 */
export const MINHASH_REGISTERS = 128;
export const DEFAULT_SHINGLE_SIZE = 9;
export const DEFAULT_MINHASH_SEED = 0x7e55e7a;
// Larger than any register value r + j (< 128); floor() of it is clamped to the last histogram bucket.
const UNSET = 2 ** 32;
const BASE_1 = 0x01000193;
const BASE_2 = 0x5bd1e995;
const TWO_POW_32 = 2 ** 32;

/** 'text': ASCII lower-casing and whitespace runs collapsed to one space, so re-wrapping or CRLF does not matter. */
export type ShingleNormalization = 'text' | 'none';

export interface MinHashOptions {
  /** Bytes per shingle (k). 9 suits documents of more than a few KB; use 5 for short texts. */
  shingleSize?: number;
  seed?: number;
  normalize?: ShingleNormalization;
}

export interface MinHashSketch {
  kind: 'minhash';
  shingleSize: number;
  seed: number;
  normalize: ShingleNormalization;
  /** Shingles fed (with repeats); 0 means the input was empty. */
  shingles: number;
  registers: Float64Array;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Draw t of the shingle's generator: a counter-based stream keyed by both (already mixed) 32-bit halves. */
function draw(s1: number, s2: number, t: number): number {
  return fmix32((s1 + Math.imul(t, 0x9e3779b9)) ^ Math.imul(s2 + Math.imul(t, 0x7f4a7c15), 0x27d4eb2d));
}

/**
 * For an integer threshold t in [0, 2^32]: the bound b with `(x ^ 0x80000000) <= b` exactly when the unsigned
 * 32-bit value x is below t (x ^ 0x80000000 read as signed is x − 2^31). An int32 for every t ≥ 1.
 */
function signedBound(threshold: number): number {
  return threshold - 2 ** 31 - 1;
}

function powMod32(base: number, exp: number): number {
  let result = 1;
  for (let i = 0; i < exp; i++) {
    result = Math.imul(result, base);
  }
  return result;
}

/** The rolling hash x1, handed in and out of `scanRaw` (an int32 slot, so V8 keeps it untagged). */
const rolled = new Int32Array(1);

/**
 * Rolls x1 (in `rolled[0]`) over chunk[from..] and returns the first index whose shingle's first draw passes the
 * register threshold (as a signed bound, see `signedBound`), or chunk.length. This loop is where a seal of
 * non-image content spends most of its JavaScript time. It is a free function over plain int32 locals because
 * V8 compiles that about 1.5x faster than the same loop inside a method reading its state from `this`; the mix
 * is fmix32 inlined.
 */
function scanRaw(chunk: Uint8Array, from: number, k: number, drop1: number, seedMix: number, bound: number): number {
  let h1 = rolled[0];
  const n = chunk.length;
  for (let i = from; i < n; i++) {
    h1 = (Math.imul(h1, BASE_1) + ((chunk[i] - Math.imul(chunk[i - k], drop1)) | 0)) | 0;
    let h = h1 ^ seedMix;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    if ((h ^ 0x80000000) <= bound) {
      rolled[0] = h1;
      return i;
    }
  }
  rolled[0] = h1;
  return n;
}

export class MinHasher {
  readonly shingleSize: number;
  readonly seed: number;
  readonly normalize: ShingleNormalization;
  private readonly registers = new Float64Array(MINHASH_REGISTERS).fill(UNSET);
  // SuperMinHash scratch: lazily reset permutation (p, q) and a histogram (b) of floor(register values).
  private readonly p = new Int32Array(MINHASH_REGISTERS);
  private readonly q = new Float64Array(MINHASH_REGISTERS).fill(-1);
  private readonly b = new Int32Array(MINHASH_REGISTERS);
  private maxBucket = MINHASH_REGISTERS - 1;
  // Shingles whose first draw (as a 32-bit integer) is at or above this cannot lower any register.
  private threshold = TWO_POW_32;
  private readonly window: Uint8Array;
  private readonly drop1: number;
  private readonly seedMix: number;
  private windowPos = 0;
  private filled = 0;
  private h1 = 0;
  private previousSpace = true;
  private shingles = 0;

  constructor(opts: MinHashOptions = {}) {
    this.shingleSize = opts.shingleSize ?? DEFAULT_SHINGLE_SIZE;
    this.seed = (opts.seed ?? DEFAULT_MINHASH_SEED) >>> 0;
    this.normalize = opts.normalize ?? 'none';
    if (!Number.isInteger(this.shingleSize) || this.shingleSize < 1 || this.shingleSize > 64) {
      throw new RangeError(`shingleSize must be an integer in 1..64, got ${this.shingleSize}`);
    }
    this.window = new Uint8Array(this.shingleSize);
    this.drop1 = powMod32(BASE_1, this.shingleSize);
    this.seedMix = fmix32(this.seed ^ 0x3c6ef372);
    this.b[MINHASH_REGISTERS - 1] = MINHASH_REGISTERS;
  }

  update(chunk: Uint8Array): this {
    if (this.normalize === 'none' && chunk.length > this.shingleSize) {
      return this.updateRaw(chunk);
    }
    const text = this.normalize === 'text';
    const k = this.shingleSize;
    const window = this.window;
    const drop1 = this.drop1;
    const seedMix = this.seedMix;
    let { windowPos, filled, h1, previousSpace, shingles, threshold } = this;
    for (let i = 0; i < chunk.length; i++) {
      let c = chunk[i];
      if (text) {
        if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
          if (previousSpace) {
            continue;
          }
          previousSpace = true;
          c = 0x20;
        } else {
          previousSpace = false;
          if (c >= 0x41 && c <= 0x5a) {
            c += 0x20;
          }
        }
      }
      const out = window[windowPos];
      window[windowPos] = c;
      windowPos = windowPos + 1 === k ? 0 : windowPos + 1;
      h1 = (Math.imul(h1, BASE_1) + c - Math.imul(out, drop1)) | 0;
      if (filled < k) {
        filled += 1;
        if (filled < k) {
          continue;
        }
      }
      shingles += 1;
      // The whole per-byte cost of a shingle that cannot win a register: one mix and one comparison.
      const first = fmix32(h1 ^ seedMix);
      if (first < threshold) {
        this.shingles = shingles;
        this.insert(first, this.windowHash2(windowPos));
        threshold = this.threshold;
      }
    }
    this.windowPos = windowPos;
    this.filled = filled;
    this.h1 = h1;
    this.previousSpace = previousSpace;
    this.shingles = shingles;
    return this;
  }

  /**
   * update() for raw bytes: past the first k bytes of the chunk the byte leaving the window is chunk[i - k], so the
   * window is only refilled at the end. Same shingles, same sketch, fewer loads and stores per byte. The per-byte
   * loop is `scanRaw`, which stops only at the rare shingle that reaches the registers.
   */
  private updateRaw(chunk: Uint8Array): this {
    const k = this.shingleSize;
    this.update(chunk.subarray(0, k));
    // The shingle ending at chunk[i] is number base + i + 1.
    const base = this.shingles - k;
    const n = chunk.length;
    rolled[0] = this.h1;
    for (let i = k; ; i++) {
      i = scanRaw(chunk, i, k, this.drop1, this.seedMix, signedBound(this.threshold));
      if (i >= n) {
        break;
      }
      this.shingles = base + i + 1;
      this.insert(fmix32(rolled[0] ^ this.seedMix), this.bytesHash2(chunk, i + 1 - k));
    }
    this.shingles = base + n;
    this.window.set(chunk.subarray(n - k));
    this.windowPos = 0;
    this.h1 = rolled[0];
    return this;
  }

  digest(): MinHashSketch {
    // An input shorter than one shingle is a single shingle of its own, so non-empty input always has a sketch.
    if (this.shingles === 0 && this.filled > 0) {
      let a = this.filled;
      let c = 0;
      for (let i = 0; i < this.filled; i++) {
        a = (Math.imul(a, BASE_1) + this.window[i]) | 0;
        c = (Math.imul(c, BASE_2) + this.window[i]) | 0;
      }
      this.shingles = 1;
      this.insert(fmix32(a ^ this.seedMix), c ^ 0x5f356495);
    }
    return {
      kind: 'minhash',
      shingleSize: this.shingleSize,
      seed: this.seed,
      normalize: this.normalize,
      shingles: this.shingles,
      registers: Float64Array.from(this.registers),
    };
  }

  /** Second half of the shingle identity, from the window (oldest byte at windowPos); only candidates need it. */
  private windowHash2(windowPos: number): number {
    const k = this.shingleSize;
    let h = 0;
    for (let i = 0; i < k; i++) {
      const at = windowPos + i;
      h = (Math.imul(h, BASE_2) + this.window[at < k ? at : at - k]) | 0;
    }
    return h;
  }

  /** The same for the shingle chunk[start .. start + k). */
  private bytesHash2(chunk: Uint8Array, start: number): number {
    let h = 0;
    for (let i = start; i < start + this.shingleSize; i++) {
      h = (Math.imul(h, BASE_2) + chunk[i]) | 0;
    }
    return h;
  }

  /**
   * One SuperMinHash insertion (Ertl 2017, Algorithm 1) of the shingle numbered this.shingles, whose first draw
   * (already keyed by the seed) is `first` and whose other half of identity is x2.
   */
  private insert(first: number, x2: number): void {
    const rank = this.shingles;
    const { registers, p, q, b } = this;
    const m = MINHASH_REGISTERS;
    const s1 = first;
    const s2 = fmix32(x2 + this.seedMix);
    if (this.maxBucket === 0) {
      // Every register is below 1, so only the first step of the permutation can matter: p[0] becomes the
      // uniformly drawn register and no histogram bucket changes.
      const target = draw(s1, s2, 2) >>> 25;
      const value = first / TWO_POW_32;
      if (value < registers[target]) {
        registers[target] = value;
        this.threshold = this.maxRegisterScaled();
      }
      return;
    }
    let t = 0;
    let j = 0;
    while (j <= this.maxBucket) {
      t += 1;
      const u1 = t === 1 ? first : draw(s1, s2, t);
      t += 1;
      const u2 = draw(s1, s2, t);
      const kk = j + Math.floor((u2 * (m - j)) / TWO_POW_32);
      if (q[j] !== rank) {
        q[j] = rank;
        p[j] = j;
      }
      if (q[kk] !== rank) {
        q[kk] = rank;
        p[kk] = kk;
      }
      const swap = p[j];
      p[j] = p[kk];
      p[kk] = swap;
      const target = p[j];
      const value = u1 / TWO_POW_32 + j;
      if (value < registers[target]) {
        const previousBucket = Math.min(Math.floor(registers[target]), m - 1);
        registers[target] = value;
        if (j < previousBucket) {
          b[previousBucket] -= 1;
          b[j] += 1;
          while (b[this.maxBucket] === 0) {
            this.maxBucket -= 1;
          }
        }
      }
      j += 1;
    }
    if (this.maxBucket === 0) {
      this.threshold = this.maxRegisterScaled();
    }
  }

  /** Largest register as a 32-bit integer; exact, since registers below 1 are multiples of 2^-32. */
  private maxRegisterScaled(): number {
    let max = 0;
    for (let i = 0; i < MINHASH_REGISTERS; i++) {
      if (this.registers[i] > max) {
        max = this.registers[i];
      }
    }
    return max * TWO_POW_32;
  }
}

export function minHashComparable(a: MinHashSketch, b: MinHashSketch): boolean {
  return (
    a.shingleSize === b.shingleSize &&
    a.seed === b.seed &&
    a.normalize === b.normalize &&
    a.registers.length === b.registers.length
  );
}

/** Estimated Jaccard similarity of the two shingle sets: the fraction of registers that agree. */
export function estimateJaccard(a: MinHashSketch, b: MinHashSketch): number {
  if (!minHashComparable(a, b)) {
    throw new RangeError('MinHash sketches were made with different parameters and cannot be compared');
  }
  if (a.shingles === 0 || b.shingles === 0) {
    return a.shingles === b.shingles ? 1 : 0;
  }
  let equal = 0;
  for (let i = 0; i < a.registers.length; i++) {
    if (a.registers[i] === b.registers[i]) {
      equal += 1;
    }
  }
  return equal / a.registers.length;
}
