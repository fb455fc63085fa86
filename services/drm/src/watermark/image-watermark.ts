import { decodeImage, detectImageType } from '@tessera/crypto';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { type Bits, FINGERPRINT_BITS, hmac, type Votes } from './fingerprint';

/**
 * Spread-spectrum mark on luminance: every 8×8 block is assigned (by a keyed HMAC of its position, the same
 * for every licence) one fingerprint bit and a ±1 chip, and its brightness moves by ±STRENGTH. Detection is
 * informed: the suspect minus the original, correlated with the chips per bit. A block's mean survives JPEG
 * re-compression and noise, and each bit is spread over many blocks.
 */
const BLOCK = 8;
const STRENGTH = 4;
/** Mean correlation per block below which a bit counts as unmarked (an untouched copy correlates ~0). */
const MIN_EVIDENCE = 1;

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

function blockPlan(secret: Buffer, bx: number, by: number): { bit: number; chip: number } {
  const h = hmac(secret, `img-block:${bx},${by}`);
  return { bit: h.readUInt16BE(0) % FINGERPRINT_BITS, chip: h[2] & 1 ? 1 : -1 };
}

function decode(bytes: Buffer): Rgba {
  const image = decodeImage(bytes);
  return { width: image.width, height: image.height, data: image.data };
}

function encode(type: 'image/png' | 'image/jpeg', image: Rgba): Buffer {
  if (type === 'image/png') {
    const png = new PNG({ width: image.width, height: image.height });
    png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length);
    return PNG.sync.write(png);
  }
  return Buffer.from(jpeg.encode({ width: image.width, height: image.height, data: image.data }, 92).data);
}

/** Returns the image re-encoded in its own format with the licence's mark. */
export function markImage(secret: Buffer, fingerprint: Bits, original: Buffer): Buffer {
  const type = detectImageType(original);
  if (!type) {
    throw new RangeError('not a PNG or JPEG image');
  }
  const image = decode(original);
  const out = new Uint8Array(image.data);
  for (let by = 0; by * BLOCK < image.height; by++) {
    for (let bx = 0; bx * BLOCK < image.width; bx++) {
      const { bit, chip } = blockPlan(secret, bx, by);
      const delta = STRENGTH * chip * (fingerprint[bit] ? 1 : -1);
      for (let y = by * BLOCK; y < Math.min((by + 1) * BLOCK, image.height); y++) {
        for (let x = bx * BLOCK; x < Math.min((bx + 1) * BLOCK, image.width); x++) {
          const p = (y * image.width + x) * 4;
          for (let c = 0; c < 3; c++) {
            out[p + c] = Math.max(0, Math.min(255, out[p + c] + delta));
          }
        }
      }
    }
  }
  return encode(type, { ...image, data: out });
}

/** Votes per fingerprint bit from a suspect copy, given the original (both must have the same dimensions). */
export function readImageVotes(secret: Buffer, suspectBytes: Buffer, originalBytes: Buffer): Votes {
  const suspect = decode(suspectBytes);
  const original = decode(originalBytes);
  const votes = new Float64Array(FINGERPRINT_BITS);
  if (suspect.width !== original.width || suspect.height !== original.height) {
    return votes;
  }
  const sums = new Float64Array(FINGERPRINT_BITS);
  const blocks = new Float64Array(FINGERPRINT_BITS);
  for (let by = 0; by * BLOCK < original.height; by++) {
    for (let bx = 0; bx * BLOCK < original.width; bx++) {
      const { bit, chip } = blockPlan(secret, bx, by);
      let diff = 0;
      let n = 0;
      for (let y = by * BLOCK; y < Math.min((by + 1) * BLOCK, original.height); y++) {
        for (let x = bx * BLOCK; x < Math.min((bx + 1) * BLOCK, original.width); x++) {
          const p = (y * original.width + x) * 4;
          for (let c = 0; c < 3; c++) {
            diff += suspect.data[p + c] - original.data[p + c];
          }
          n += 3;
        }
      }
      sums[bit] += (chip * diff) / n;
      blocks[bit] += 1;
    }
  }
  for (let i = 0; i < FINGERPRINT_BITS; i++) {
    const mean = blocks[i] > 0 ? sums[i] / blocks[i] : 0;
    votes[i] = Math.abs(mean) >= MIN_EVIDENCE ? mean : 0;
  }
  return votes;
}
