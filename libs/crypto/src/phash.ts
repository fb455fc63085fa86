/**
 * Perceptual hash (pHash, DCT variant) of PNG and JPEG images: decode (pure JS: pngjs, jpeg-js), convert to
 * luminance over white, area-average down to 32×32, take the 8×8 lowest-frequency DCT-II coefficients and set one
 * bit per coefficient above their median. Re-encoding, resizing and mild colour changes move few of the 64 bits;
 * a different picture moves about half of them.
 */
import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';

import { SketchError } from './errors';

export type ImageMediaType = 'image/png' | 'image/jpeg';

export interface PHashSketch {
  kind: 'phash';
  /** 64 bits, 16 lower-case hex digits. */
  hash: string;
  width: number;
  height: number;
}

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row-major. */
  data: Uint8Array;
}

export const PHASH_BITS = 64;
/** Refuse images above this many pixels rather than decode them into gigabytes of RGBA. */
export const MAX_IMAGE_PIXELS = 100_000_000;
const SAMPLE = 32;
const LOW = 8;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function detectImageType(bytes: Uint8Array): ImageMediaType | undefined {
  if (bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(PNG_SIGNATURE)) {
    return 'image/png';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'image/jpeg';
  }
  return undefined;
}

export function decodeImage(bytes: Uint8Array): DecodedImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const type = detectImageType(buffer);
  try {
    switch (type) {
      case 'image/png': {
        // IHDR width/height sit at fixed offsets; check them before pngjs allocates the whole bitmap.
        if (buffer.length >= 24 && buffer.readUInt32BE(16) * buffer.readUInt32BE(20) > MAX_IMAGE_PIXELS) {
          throw new SketchError(`image exceeds ${MAX_IMAGE_PIXELS} pixels`);
        }
        const png = PNG.sync.read(buffer);
        return { width: png.width, height: png.height, data: png.data };
      }
      case 'image/jpeg': {
        const jpeg = decodeJpeg(buffer, {
          useTArray: true,
          formatAsRGBA: true,
          maxResolutionInMP: MAX_IMAGE_PIXELS / 1_000_000,
          maxMemoryUsageInMB: 1024,
        });
        return { width: jpeg.width, height: jpeg.height, data: jpeg.data };
      }
      case undefined:
        throw new SketchError('not a PNG or JPEG image');
    }
  } catch (err) {
    if (err instanceof SketchError) {
      throw err;
    }
    throw new SketchError(`image could not be decoded: ${(err as Error).message}`, { cause: err });
  }
}

/** Luminance (BT.601) composited over white, area-averaged to SAMPLE×SAMPLE. */
function downsample(image: DecodedImage): Float64Array {
  const { width, height, data } = image;
  if (width < 1 || height < 1) {
    throw new SketchError('image has no pixels');
  }
  const sums = new Float64Array(SAMPLE * SAMPLE);
  const counts = new Float64Array(SAMPLE * SAMPLE);
  const rowCellOf = (y: number): number => Math.min(SAMPLE - 1, Math.floor((y * SAMPLE) / height));
  // Each source pixel lands in one cell; an image smaller than 32 px on a side is sampled by nearest pixel.
  const colCell = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    colCell[x] = Math.min(SAMPLE - 1, Math.floor((x * SAMPLE) / width));
  }
  for (let y = 0; y < height; y++) {
    const rowCell = rowCellOf(y) * SAMPLE;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      const alpha = data[o + 3] / 255;
      const luma = 0.299 * data[o] + 0.587 * data[o + 1] + 0.114 * data[o + 2];
      sums[rowCell + colCell[x]] += luma * alpha + 255 * (1 - alpha);
      counts[rowCell + colCell[x]] += 1;
    }
  }
  const out = new Float64Array(SAMPLE * SAMPLE);
  for (let v = 0; v < SAMPLE; v++) {
    for (let u = 0; u < SAMPLE; u++) {
      let cell = v * SAMPLE + u;
      if (counts[cell] === 0) {
        // Empty cell (image narrower or shorter than SAMPLE): use the cell of the nearest source pixel.
        const sx = Math.min(width - 1, Math.floor(((u + 0.5) * width) / SAMPLE));
        const sy = Math.min(height - 1, Math.floor(((v + 0.5) * height) / SAMPLE));
        cell = rowCellOf(sy) * SAMPLE + colCell[sx];
      }
      out[v * SAMPLE + u] = sums[cell] / counts[cell];
    }
  }
  return out;
}

const COSINES: Float64Array = (() => {
  const table = new Float64Array(LOW * SAMPLE);
  for (let k = 0; k < LOW; k++) {
    for (let n = 0; n < SAMPLE; n++) {
      table[k * SAMPLE + n] = Math.cos((Math.PI * (2 * n + 1) * k) / (2 * SAMPLE));
    }
  }
  return table;
})();

export function perceptualHashOf(image: DecodedImage): PHashSketch {
  const pixels = downsample(image);
  // Separable DCT-II, keeping only the 8 lowest frequencies in each direction.
  const rows = new Float64Array(SAMPLE * LOW);
  for (let y = 0; y < SAMPLE; y++) {
    for (let k = 0; k < LOW; k++) {
      let acc = 0;
      for (let x = 0; x < SAMPLE; x++) {
        acc += pixels[y * SAMPLE + x] * COSINES[k * SAMPLE + x];
      }
      rows[y * LOW + k] = acc;
    }
  }
  const coefficients = new Float64Array(LOW * LOW);
  for (let ky = 0; ky < LOW; ky++) {
    for (let kx = 0; kx < LOW; kx++) {
      let acc = 0;
      for (let y = 0; y < SAMPLE; y++) {
        acc += rows[y * LOW + kx] * COSINES[ky * SAMPLE + y];
      }
      coefficients[ky * LOW + kx] = acc;
    }
  }
  const sorted = Float64Array.from(coefficients).sort();
  const median = (sorted[31] + sorted[32]) / 2;
  let hash = 0n;
  for (let i = 0; i < PHASH_BITS; i++) {
    hash = (hash << 1n) | (coefficients[i] > median ? 1n : 0n);
  }
  return { kind: 'phash', hash: hash.toString(16).padStart(16, '0'), width: image.width, height: image.height };
}

export function perceptualHash(bytes: Uint8Array): PHashSketch {
  return perceptualHashOf(decodeImage(bytes));
}

export function hammingDistance(a: PHashSketch, b: PHashSketch): number {
  let x = BigInt(`0x${a.hash}`) ^ BigInt(`0x${b.hash}`);
  let bits = 0;
  while (x > 0n) {
    bits += Number(x & 1n);
    x >>= 1n;
  }
  return bits;
}

/** 1 for identical hashes, about 0.5 for unrelated images. */
export function hammingSimilarity(a: PHashSketch, b: PHashSketch): number {
  return 1 - hammingDistance(a, b) / PHASH_BITS;
}
