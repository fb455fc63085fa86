import { estimateJaccard, MinHasher, type MinHashSketch } from './minhash';
import { hammingDistance, type PHashSketch } from './phash';
import { decodeSketch, encodeSketch, type Sketch } from './sketch';
import { minSharedBands, sketchBands } from './sketch-bands';
import { prng } from './prng.testing';

function randomBytes(length: number, rand: () => number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(rand() * 256)));
}

function minhash(bytes: Buffer, opts: ConstructorParameters<typeof MinHasher>[0] = {}): MinHashSketch {
  return new MinHasher(opts).update(bytes).digest();
}

function shared(a: Sketch, b: Sketch): number {
  const keys = new Set(sketchBands(a).map((x) => x.key));
  return sketchBands(b).filter((x) => keys.has(x.key)).length;
}

/** `sketch` with the registers at `positions` replaced by values no sketch holds. */
function withChangedRegisters(sketch: MinHashSketch, positions: number[]): MinHashSketch {
  const registers = Float64Array.from(sketch.registers);
  for (const p of positions) {
    registers[p] = 1000 + p + 0.5;
  }
  return { ...sketch, registers };
}

function pickDistinct(count: number, below: number, rand: () => number): number[] {
  const picked = new Set<number>();
  while (picked.size < count) {
    picked.add(Math.floor(rand() * below));
  }
  return [...picked];
}

function phash(hash: bigint): PHashSketch {
  return { kind: 'phash', hash: hash.toString(16).padStart(16, '0'), width: 64, height: 64 };
}

function randomHash(rand: () => number): bigint {
  return (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
}

describe('MinHash bands', () => {
  const rand = prng(41);
  const content = randomBytes(20_000, rand);
  const sketch = minhash(content);

  it('gives 32 keys, all shared by an identical sketch, also after the stored text form', () => {
    const bands = sketchBands(sketch);
    expect(bands.map((b) => b.band)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(new Set(bands.map((b) => b.key)).size).toBe(32);
    expect(bands.every((b) => b.key >= -(2n ** 63n) && b.key < 2n ** 63n)).toBe(true);
    expect(shared(sketch, minhash(content))).toBe(32);
    expect(sketchBands(decodeSketch(encodeSketch(sketch)))).toEqual(bands);
  });

  it('shares every band whose 4 registers agree, so a pair at Jaccard ≥ 0.9 shares at least 20', () => {
    const need = minSharedBands(sketch, { jaccard: 0.9, hamming: 6 });
    expect(need).toBe(20);
    for (let trial = 0; trial < 200; trial++) {
      // Up to 12 of 128 registers differ: an estimate of at least 116/128 ≥ 0.9.
      const positions = pickDistinct(Math.floor(rand() * 13), 128, rand);
      const near = withChangedRegisters(sketch, positions);
      expect(estimateJaccard(sketch, near)).toBeGreaterThanOrEqual(0.9);
      const untouched = 32 - new Set(positions.map((p) => Math.floor(p / 4))).size;
      expect(shared(sketch, near)).toBe(untouched);
      expect(shared(sketch, near)).toBeGreaterThanOrEqual(need);
    }
  });

  it('shares bands with a real edited copy', () => {
    const copy = Buffer.from(content);
    for (let i = 0; i < 20; i++) {
      copy[Math.floor(rand() * copy.length)] ^= 0xff;
    }
    const edited = minhash(copy);
    expect(estimateJaccard(sketch, edited)).toBeGreaterThanOrEqual(0.9);
    expect(shared(sketch, edited)).toBeGreaterThanOrEqual(20);
  });

  it('shares no key between unrelated contents', () => {
    // Random 20 kB inputs share no 9-byte shingle (Jaccard 0), so each register agrees by chance about 2^-32 of
    // the time; a shared band would need 4 such agreements.
    const sketches = Array.from({ length: 40 }, () => minhash(randomBytes(20_000, rand)));
    const seen = new Map<bigint, number>();
    for (const [i, s] of sketches.entries()) {
      for (const { key } of sketchBands(s)) {
        expect(seen.get(key)).toBeUndefined();
        seen.set(key, i);
      }
    }
    expect(seen.size).toBe(40 * 32);
  });

  it('shares no key between sketches that cannot be compared, even with equal registers', () => {
    const variants: MinHashSketch[] = [
      { ...sketch, shingleSize: 5 },
      { ...sketch, seed: sketch.seed + 1 },
      { ...sketch, normalize: 'text' },
      { ...sketch, registers: sketch.registers.subarray(0, 124) },
    ];
    for (const v of variants) {
      expect(shared(sketch, v)).toBe(0);
    }
    // The shingle count is not a comparability parameter: it does not change the keys.
    expect(shared(sketch, { ...sketch, shingles: sketch.shingles + 1 })).toBe(32);
  });

  it('needs a shared band only where the counting guarantees one (Jaccard above 0.75)', () => {
    const at = (jaccard: number) => minSharedBands(sketch, { jaccard, hamming: 6 });
    expect(at(1)).toBe(32);
    expect(at(0.9)).toBe(20); // ≥ 116 equal registers, ≤ 12 spoilt bands
    expect(at(0.76)).toBe(2); // ≥ 98 equal
    expect(at(0.7578125)).toBe(1); // exactly 97/128
    expect(at(0.75)).toBe(0); // 32 differing registers can spoil all 32 bands
    expect(at(0.58)).toBe(0);
    expect(at(0)).toBe(0);
    // The worst case at 0.75: one differing register in every band leaves an estimate of 0.75 and no shared key.
    const spread = withChangedRegisters(
      sketch,
      Array.from({ length: 32 }, (_, b) => b * 4),
    );
    expect(estimateJaccard(sketch, spread)).toBe(0.75);
    expect(shared(sketch, spread)).toBe(0);
  });
});

describe('pHash bands', () => {
  const rand = prng(43);

  it('gives one key per byte position, all shared by an identical hash, none by a MinHash', () => {
    const a = phash(randomHash(rand));
    const bands = sketchBands(a);
    expect(bands.map((b) => b.band)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(shared(a, { ...a })).toBe(8);
    expect(sketchBands(decodeSketch(encodeSketch(a)))).toEqual(bands);
    expect(shared(a, minhash(randomBytes(100, rand)))).toBe(0);
  });

  it('shares at least 8 − d bytes with any hash d ≤ 7 bits away', () => {
    for (let trial = 0; trial < 2000; trial++) {
      const hash = randomHash(rand);
      const d = Math.floor(rand() * 8);
      let flipped = hash;
      for (const bit of pickDistinct(d, 64, rand)) {
        flipped ^= 1n << BigInt(bit);
      }
      const a = phash(hash);
      const b = phash(flipped);
      expect(hammingDistance(a, b)).toBe(d);
      expect(shared(a, b)).toBeGreaterThanOrEqual(Math.max(1, 8 - d));
      expect(shared(a, b)).toBeGreaterThanOrEqual(minSharedBands(a, { jaccard: 0.9, hamming: d }));
    }
  });

  it('needs a shared byte only up to distance 7: one flip per byte shares none', () => {
    const a = phash(randomHash(rand));
    expect(minSharedBands(a, { jaccard: 0.9, hamming: 6 })).toBe(2);
    expect(minSharedBands(a, { jaccard: 0.9, hamming: 7 })).toBe(1);
    expect(minSharedBands(a, { jaccard: 0.9, hamming: 8 })).toBe(0);
    const onePerByte = phash(BigInt(`0x${a.hash}`) ^ 0x0101010101010101n);
    expect(hammingDistance(a, onePerByte)).toBe(8);
    expect(shared(a, onePerByte)).toBe(0);
  });

  it('shares no key between unrelated hashes', () => {
    // Random hashes agree on a given byte with probability 1/256 (about 3% of pairs on some byte): they share
    // exactly the bytes they agree on, and nothing else.
    const hashes = Array.from({ length: 200 }, () => randomHash(rand));
    for (let i = 1; i < hashes.length; i++) {
      const a = phash(hashes[0]);
      const b = phash(hashes[i]);
      const equalBytes = [...Buffer.from(a.hash, 'hex')].filter((x, j) => x === Buffer.from(b.hash, 'hex')[j]).length;
      expect(shared(a, b)).toBe(equalBytes);
    }
  });
});
