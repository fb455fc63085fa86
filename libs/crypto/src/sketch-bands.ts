/**
 * Index keys ("bands") for near-duplicate lookup, so a store finds the sketches close to a new one by exact key
 * matches instead of comparing it with every stored sketch.
 *
 * MinHash: LSH banding, 32 bands of 4 consecutive registers. Two comparable sketches share a band's key exactly
 * when they agree on all 4 of its registers. A differing register spoils at most one band, so sketches whose
 * estimated Jaccard is J (at most 128·(1 − J) registers differ) share at least 32 − 128·(1 − J) bands: for J > 0.75
 * every close pair shares a band, whatever the data. (Reading registers as independent coin flips, a pair at
 * Jaccard J shares no band with probability (1 − J⁴)³²: 1.5e-15 at J = 0.9.)
 *
 * pHash: pigeonhole over the 8 bytes of the 64-bit hash, one band per byte position. A differing bit spoils one
 * byte, so hashes within Hamming distance d share at least 8 − d bytes: every pair within 7 bits shares one.
 *
 * Each key is the first 8 bytes of SHA-256 over the sketch's comparability parameters (whatever
 * sketchesComparable checks), the band number and the band's values, read as a signed 64-bit integer (a Postgres
 * bigint). Sketches that cannot be compared therefore share no key, and the band number is part of the key, so a
 * lookup needs only the keys.
 */
import { createHash } from 'node:crypto';

import { type MinHashSketch } from './minhash';
import { type PHashSketch } from './phash';
import { type Sketch } from './sketch';

export const MINHASH_BAND_ROWS = 4;
export const PHASH_BANDS = 8;
const DOMAIN = 'tessera-sketch-band/v1';

export interface SketchBand {
  /** Band number: 0-31 for a 128-register MinHash, 0-7 (byte position) for a pHash. */
  band: number;
  /** Signed 64-bit key; equal keys mean equal parameters, band number and band values. */
  key: bigint;
}

export interface SimilarityThresholds {
  /** MinHash: estimated Jaccard at or above which two sketches are close. */
  jaccard: number;
  /** pHash: Hamming distance at or below which two hashes are close. */
  hamming: number;
}

function minHashBands(sketch: MinHashSketch): SketchBand[] {
  const { registers } = sketch;
  const prefix = `${DOMAIN}\0minhash\0${sketch.shingleSize}\0${sketch.seed}\0${sketch.normalize}\0${registers.length}\0`;
  const values = new DataView(new ArrayBuffer(MINHASH_BAND_ROWS * 8));
  const bands: SketchBand[] = [];
  for (let band = 0; band * MINHASH_BAND_ROWS < registers.length; band++) {
    const rows = Math.min(MINHASH_BAND_ROWS, registers.length - band * MINHASH_BAND_ROWS);
    for (let i = 0; i < rows; i++) {
      // `+ 0` turns -0 into 0: estimateJaccard compares registers with ===, which treats them as equal.
      values.setFloat64(i * 8, registers[band * MINHASH_BAND_ROWS + i] + 0, true);
    }
    const digest = createHash('sha256')
      .update(`${prefix}${band}\0`)
      .update(new Uint8Array(values.buffer, 0, rows * 8))
      .digest();
    bands.push({ band, key: digest.readBigInt64BE(0) });
  }
  return bands;
}

function pHashBands(sketch: PHashSketch): SketchBand[] {
  const hash = Buffer.from(sketch.hash, 'hex');
  return Array.from({ length: PHASH_BANDS }, (_, band) => {
    const digest = createHash('sha256')
      .update(`${DOMAIN}\0phash\0${band}\0`)
      .update(hash.subarray(band, band + 1))
      .digest();
    return { band, key: digest.readBigInt64BE(0) };
  });
}

/** The sketch's index keys, one per band, in band order. */
export function sketchBands(sketch: Sketch): SketchBand[] {
  switch (sketch.kind) {
    case 'minhash':
      return minHashBands(sketch);
    case 'phash':
      return pHashBands(sketch);
  }
}

/**
 * The fewest bands any sketch the thresholds call close to `sketch` shares with it, by the counting above; 0 when
 * the thresholds admit close pairs that share no band (MinHash Jaccard ≤ 0.75, pHash distance ≥ 8), where only a
 * comparison with every stored sketch finds them all.
 */
export function minSharedBands(sketch: Sketch, thresholds: SimilarityThresholds): number {
  switch (sketch.kind) {
    case 'minhash': {
      const n = sketch.registers.length;
      const bands = Math.ceil(n / MINHASH_BAND_ROWS);
      // Fewest equal registers giving an estimate (equal / n) at or above the threshold, in the estimator's own
      // arithmetic.
      let equal = Math.max(0, Math.ceil(thresholds.jaccard * n));
      while (equal > 0 && (equal - 1) / n >= thresholds.jaccard) {
        equal -= 1;
      }
      while (equal <= n && equal / n < thresholds.jaccard) {
        equal += 1;
      }
      return Math.max(0, bands - (n - equal));
    }
    case 'phash':
      return Math.max(0, PHASH_BANDS - Math.floor(thresholds.hamming));
  }
}
