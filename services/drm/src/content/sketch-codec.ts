import { type Sketch } from '@tessera/crypto';

// MinHash registers are r + j with r in [0, 1) and j < 128; scaling by 2^25 keeps them below 2^32 and distinct.
const MINHASH_SCALE = 2 ** 25;

/** The event form of a sketch: unsigned 32-bit integers (MinHash registers, or the two halves of a pHash). */
export function sketchToUint32(sketch: Sketch): number[] {
  switch (sketch.kind) {
    case 'phash':
      return [parseInt(sketch.hash.slice(0, 8), 16), parseInt(sketch.hash.slice(8), 16)];
    case 'minhash':
      return Array.from(sketch.registers, (r) => Math.min(0xffffffff, Math.floor(r * MINHASH_SCALE)));
  }
}
