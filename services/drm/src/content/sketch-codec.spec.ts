import {
  createSketcher,
  decodeSketch,
  encodeSketch,
  type MinHashSketch,
  type PHashSketch,
  similarity,
} from '@tessera/crypto';
import { decodeEvent, EVENT_EXAMPLES, Topic } from '@tessera/events';
import { sketchToUint32 } from './sketch-codec';

const RESOLUTION = 2 ** -25;

function minhashOf(text: string): MinHashSketch {
  return createSketcher('text/plain').update(Buffer.from(text)).digest() as MinHashSketch;
}

function table(tag: string, rows = 400): string {
  return Array.from({ length: rows }, (_, i) => `row ${i}, ${tag}, value ${(i * 7919) % 1000}, item-${i}`).join('\n');
}

/** The estimate catalog computes from the event form: the fraction of equal registers. */
function agreement(a: number[], b: number[]): number {
  return a.filter((v, i) => v === b[i]).length / a.length;
}

function sealedEventWith(sketch: number[]): unknown {
  return decodeEvent(Topic.DrmContentSealed, { ...EVENT_EXAMPLES[Topic.DrmContentSealed], sketch });
}

describe('sketch codec (event form of a sketch)', () => {
  it.each(['f0e1d2c3b4a59687', '00000000000000ff', 'ffffffff00000000'])(
    'pHash %s: the two 32-bit halves join back to the 64-bit hash',
    (hash) => {
      const sketch: PHashSketch = { kind: 'phash', hash, width: 64, height: 48 };
      const [high, low] = sketchToUint32(sketch);
      expect(high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0')).toBe(hash);
    },
  );

  it('MinHash: every register comes back from its integer to within the 2^-25 the event keeps', () => {
    const sketch = minhashOf(table('tide gauges'));
    const ints = sketchToUint32(sketch);
    expect(ints).toHaveLength(128);
    ints.forEach((v, i) => {
      expect(Number.isInteger(v)).toBe(true);
      const register = sketch.registers[i];
      expect(v / 2 ** 25).toBeLessThanOrEqual(register);
      expect(register - v / 2 ** 25).toBeLessThan(RESOLUTION);
    });
    expect(() => sealedEventWith(ints)).not.toThrow();
  });

  it("keeps the similarity estimate: catalog's agreement on the event form equals drm's on the sketch", () => {
    const original = minhashOf(table('x'));
    const edited = minhashOf(table('x').replace('row 17, x,', 'row 17, x ,'));
    const unrelated = minhashOf(
      Array.from({ length: 400 }, (_, i) => `${((i * 2654435761) >>> 0).toString(36)} lorem ${i * i}`).join(' '),
    );
    expect(similarity(original, edited)).toBeGreaterThan(0.8);
    expect(similarity(original, unrelated)).toBeLessThan(0.2);
    for (const other of [edited, unrelated]) {
      expect(agreement(sketchToUint32(original), sketchToUint32(other))).toBe(similarity(original, other));
    }
  });

  it('the stored text form round-trips, so later near-duplicate checks see what was sealed', () => {
    const sketch = minhashOf(table('z'));
    const stored = decodeSketch(encodeSketch(sketch));
    expect(similarity(sketch, stored)).toBe(1);
    expect(sketchToUint32(stored)).toEqual(sketchToUint32(sketch));
  });

  it('empty content still yields a valid sealed event: unset registers become 0xffffffff', () => {
    const ints = sketchToUint32(minhashOf(''));
    expect(new Set(ints)).toEqual(new Set([0xffffffff]));
    expect(() => sealedEventWith(ints)).not.toThrow();
  });
});
