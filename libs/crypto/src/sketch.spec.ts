import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';

import { SketchError } from './errors';
import { estimateJaccard, MinHasher, MinHashSketch } from './minhash';
import { hammingDistance, perceptualHash } from './phash';
import {
  createSketcher,
  createTapStream,
  decodeSketch,
  encodeSketch,
  shingleNormalization,
  similarity,
  sketchKind,
} from './sketch';
import { prng } from './prng.testing';

const VOCABULARY = (() => {
  const rand = prng(7);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return Array.from({ length: 3000 }, () =>
    Array.from({ length: 3 + Math.floor(rand() * 7) }, () => letters[Math.floor(rand() * 26)]).join(''),
  );
})();

function sentences(count: number, seed: number): string[] {
  const rand = prng(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 12 }, () => VOCABULARY[Math.floor(rand() * VOCABULARY.length)]).join(' '),
  );
}

function sketch(text: string, chunk = 1000): MinHashSketch {
  const hasher = new MinHasher({ normalize: 'text' });
  const bytes = Buffer.from(text);
  for (let o = 0; o < bytes.length; o += chunk) {
    hasher.update(bytes.subarray(o, o + chunk));
  }
  return hasher.digest();
}

/** Exact Jaccard of the 9-byte shingle sets, on text that normalisation leaves unchanged. */
function exactJaccard(a: string, b: string, k = 9): number {
  const shingles = (s: string) => {
    const set = new Set<string>();
    for (let i = 0; i + k <= s.length; i++) {
      set.add(s.slice(i, i + k));
    }
    return set;
  };
  const A = shingles(a);
  const B = shingles(b);
  let common = 0;
  for (const x of A) {
    if (B.has(x)) {
      common += 1;
    }
  }
  return common / (A.size + B.size - common);
}

describe('MinHash sketch', () => {
  const base = sentences(400, 1);

  it.each([
    ['~70% overlap', 300, 300, 45],
    ['~50% overlap', 300, 300, 100],
    ['~90% overlap', 300, 300, 15],
  ])('estimates Jaccard within ±0.1 (%s)', (_name, lengthA, lengthB, shift) => {
    const a = base.slice(0, lengthA).join(' ');
    const b = base.slice(shift, shift + lengthB).join(' ');
    const exact = exactJaccard(a, b);
    const estimate = estimateJaccard(sketch(a), sketch(b));
    expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(0.1);
  });

  it('tells unrelated texts apart', () => {
    const a = base.slice(0, 200).join(' ');
    const other = sentences(200, 99).join(' ');
    expect(exactJaccard(a, other)).toBeLessThan(0.05);
    expect(estimateJaccard(sketch(a), sketch(other))).toBeLessThan(0.1);
  });

  it('is identical for any chunking and across instances (fixed seed)', () => {
    const text = base.slice(0, 50).join('\n');
    const whole = sketch(text, 1 << 20);
    for (const chunk of [1, 7, 64, 4096]) {
      expect(Array.from(sketch(text, chunk).registers)).toEqual(Array.from(whole.registers));
    }
    expect(estimateJaccard(whole, sketch(text, 3))).toBe(1);
  });

  it('keeps a 1 MB text with 5% of its lines edited close, and an unrelated 1 MB text far', () => {
    const lines = sentences(13_000, 21);
    const replacements = sentences(lines.length, 22);
    const rand = prng(23);
    const edited = lines.map((line, i) => (rand() < 0.05 ? replacements[i] : line));
    const original = sketch(lines.join('\n'), 64 * 1024);
    expect(original.shingles).toBeGreaterThan(1_000_000);
    expect(estimateJaccard(original, sketch(edited.join('\n'), 64 * 1024))).toBeGreaterThanOrEqual(0.8);
    expect(estimateJaccard(original, sketch(sentences(13_000, 24).join('\n'), 64 * 1024))).toBeLessThanOrEqual(0.1);
  });

  it('gives raw bytes the same sketch whatever the chunking', () => {
    const bytes = Buffer.from(base.join('\n'));
    const raw = (chunk: number) => {
      const hasher = new MinHasher();
      for (let o = 0; o < bytes.length; o += chunk) {
        hasher.update(bytes.subarray(o, o + chunk));
      }
      return Array.from(hasher.digest().registers);
    };
    const whole = raw(bytes.length);
    for (const chunk of [1, 9, 10, 4096]) {
      expect(raw(chunk)).toEqual(whole);
    }
  });

  it('ignores case, CRLF and whitespace runs for text', () => {
    const a = sketch('The Quick  brown fox\r\njumps over\tthe lazy dog\r\n');
    const b = sketch('the quick brown fox jumps over the lazy dog\n');
    expect(estimateJaccard(a, b)).toBe(1);
  });

  it('defines empty and tiny inputs', () => {
    const empty = new MinHasher().digest();
    expect(empty.shingles).toBe(0);
    expect(estimateJaccard(empty, new MinHasher().digest())).toBe(1);
    const tiny = new MinHasher().update(Buffer.from('abc')).digest();
    expect(tiny.shingles).toBe(1);
    expect(estimateJaccard(empty, tiny)).toBe(0);
    expect(estimateJaccard(tiny, new MinHasher().update(Buffer.from('abc')).digest())).toBe(1);
    expect(estimateJaccard(tiny, new MinHasher().update(Buffer.from('abd')).digest())).toBe(0);
  });

  it('refuses to compare sketches made with different parameters', () => {
    const a = new MinHasher({ shingleSize: 5 }).update(Buffer.from('hello world')).digest();
    const b = new MinHasher({ shingleSize: 9 }).update(Buffer.from('hello world')).digest();
    expect(() => estimateJaccard(a, b)).toThrow(RangeError);
  });
});

/** A smooth synthetic "photo": gradient, soft blobs and a hard-edged shape, sampled at any resolution. */
function renderScene(width: number, height: number, variant: number): Buffer {
  const rand = prng(variant);
  const blobs = Array.from({ length: 5 }, () => ({
    x: rand(),
    y: rand(),
    r: 0.1 + rand() * 0.25,
    c: [rand() * 255, rand() * 255, rand() * 255],
  }));
  const box = { x: rand() * 0.6, y: rand() * 0.6, w: 0.2 + rand() * 0.2, h: 0.2 + rand() * 0.2 };
  const data = Buffer.alloc(width * height * 4);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const x = (px + 0.5) / width;
      const y = (py + 0.5) / height;
      const rgb = [40 + 120 * x, 60 + 100 * y, 90];
      for (const b of blobs) {
        const w = Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (b.r * b.r));
        for (let c = 0; c < 3; c++) {
          rgb[c] = rgb[c] * (1 - w) + b.c[c] * w;
        }
      }
      if (x > box.x && x < box.x + box.w && y > box.y && y < box.y + box.h) {
        rgb[0] = 250 - rgb[0] / 3;
      }
      const o = (py * width + px) * 4;
      data[o] = rgb[0];
      data[o + 1] = rgb[1];
      data[o + 2] = rgb[2];
      data[o + 3] = 255;
    }
  }
  return data;
}

function png(width: number, height: number, rgba: Buffer): Buffer {
  const image = new PNG({ width, height });
  rgba.copy(image.data);
  return PNG.sync.write(image);
}

/** Box-filter downscale by an integer factor (a real resize of the rendered pixels). */
function shrink(width: number, height: number, rgba: Buffer, factor: number): Buffer {
  const w = width / factor;
  const h = height / factor;
  const out = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          for (let dx = 0; dx < factor; dx++) {
            sum += rgba[((y * factor + dy) * width + x * factor + dx) * 4 + c];
          }
        }
        out[(y * w + x) * 4 + c] = Math.round(sum / (factor * factor));
      }
    }
  }
  return out;
}

describe('perceptual hash', () => {
  const W = 128;
  const H = 96;
  const pixels = renderScene(W, H, 11);
  const original = png(W, H, pixels);

  it('keeps a re-encoded (JPEG q50) and a resized copy close, and a different image far', () => {
    const reference = perceptualHash(original);
    const jpeg = perceptualHash(encodeJpeg({ width: W, height: H, data: pixels }, 50).data);
    const resized = perceptualHash(png(W / 2, H / 2, shrink(W, H, pixels, 2)));
    const others = [12, 13].map((v) => perceptualHash(png(W, H, renderScene(W, H, v))));

    expect(hammingDistance(reference, jpeg)).toBeLessThanOrEqual(6);
    expect(hammingDistance(reference, resized)).toBeLessThanOrEqual(6);
    for (const other of others) {
      expect(hammingDistance(reference, other)).toBeGreaterThanOrEqual(16);
      expect(similarity(reference, other)).toBeLessThan(similarity(reference, jpeg));
    }
    expect(reference).toMatchObject({ kind: 'phash', width: W, height: H });
  });

  it('sketches an image streamed in chunks like the whole file', () => {
    const sketcher = createSketcher('image/png');
    for (let o = 0; o < original.length; o += 1000) {
      sketcher.update(original.subarray(o, o + 1000));
    }
    expect(sketcher.digest()).toEqual(perceptualHash(original));
  });

  it('fails with SketchError on bytes that are not a decodable image, or too many bytes', () => {
    expect(() => perceptualHash(Buffer.from('not an image'))).toThrow(SketchError);
    expect(() => perceptualHash(original.subarray(0, 100))).toThrow(SketchError);
    const capped = createSketcher('image/png', { maxImageBytes: 100 }).update(original);
    expect(() => capped.digest()).toThrow(SketchError);
  });
});

describe('sketch selection and encoding', () => {
  it('picks the sketch by media type', () => {
    expect(sketchKind('image/png')).toBe('phash');
    expect(sketchKind('IMAGE/JPEG')).toBe('phash');
    expect(sketchKind('text/csv; charset=utf-8')).toBe('minhash');
    expect(sketchKind('application/octet-stream')).toBe('minhash');
    expect(shingleNormalization('text/csv; charset=utf-8')).toBe('text');
    expect(shingleNormalization('application/vnd.api+json')).toBe('text');
    expect(shingleNormalization('application/octet-stream')).toBe('none');
    expect(createSketcher('text/plain').kind).toBe('minhash');
  });

  it('round-trips sketches through their text form', () => {
    const text = sentences(30, 5).join('\n');
    const mh = createSketcher('text/plain').update(Buffer.from(text)).digest();
    const decoded = decodeSketch(encodeSketch(mh));
    expect(decoded).toEqual(mh);
    expect(similarity(mh, decoded)).toBe(1);
    const ph = perceptualHash(png(64, 64, renderScene(64, 64, 3)));
    expect(decodeSketch(encodeSketch(ph))).toEqual(ph);
    expect(() => similarity(mh, ph)).toThrow(RangeError);
    expect(() => decodeSketch('minhash1:9:1:text:5:!!')).toThrow(RangeError);
  });

  it('feeds several sinks from one pass-through stage', async () => {
    const sketcher = createSketcher('text/plain');
    const seen: Buffer[] = [];
    const tap = createTapStream(sketcher, { update: (c: Buffer) => seen.push(c) });
    const passed: Buffer[] = [];
    tap.on('data', (c: Buffer) => passed.push(c));
    const done = new Promise((resolve) => tap.on('end', resolve));
    tap.end(Buffer.from('hello streaming world'));
    await done;
    expect(Buffer.concat(passed).toString()).toBe('hello streaming world');
    expect(Buffer.concat(seen).toString()).toBe('hello streaming world');
    expect(
      similarity(sketcher.digest(), createSketcher('text/plain').update(Buffer.from('hello streaming world')).digest()),
    ).toBe(1);
  });
});
