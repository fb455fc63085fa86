import { randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';

import { IntegrityError } from './errors';
import {
  ciphertextSize,
  createDecryptStream,
  createEncryptStream,
  DEFAULT_SEGMENT_SIZE,
  HEADER_BYTES,
  plaintextSize,
  SegmentReader,
  TAG_BYTES,
} from './streaming-aead';

const KEY = randomBytes(32);
const CONTENT = 'c5a1e0de-0000-4000-8000-000000000001';
const S = 64; // small segments keep many-segment cases fast

function split(buf: Buffer, chunk: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let o = 0; o < buf.length; o += chunk) {
    parts.push(buf.subarray(o, o + chunk));
  }
  return parts;
}

/**
 * Runs chunks through the stream. `out` is everything the stream released (recorded at push(), so bytes a
 * destroyed stream had buffered for its reader still count as released).
 */
async function run(stream: Transform, chunks: Buffer[]): Promise<{ out: Buffer; error?: unknown }> {
  const out: Buffer[] = [];
  const push = stream.push.bind(stream);
  stream.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (Buffer.isBuffer(chunk)) {
      out.push(chunk);
    }
    return push(chunk, encoding);
  };
  try {
    await pipeline(Readable.from(chunks), stream, async (source: AsyncIterable<Buffer>) => {
      for await (const _ of source) {
        // drain
      }
    });
    return { out: Buffer.concat(out) };
  } catch (error) {
    return { out: Buffer.concat(out), error };
  }
}

async function encrypt(plain: Buffer, segmentSize = S, chunk = 17, aad = CONTENT, key = KEY): Promise<Buffer> {
  const { out, error } = await run(createEncryptStream(key, aad, { segmentSize }), split(plain, chunk));
  expect(error).toBeUndefined();
  return out;
}

function decrypt(ct: Buffer, segmentSize = S, chunk = 23, aad = CONTENT, key = KEY) {
  return run(createDecryptStream(key, aad, { segmentSize }), split(ct, chunk));
}

/** Asserts failure with IntegrityError and that only whole, verified segments before `badSegment` came out. */
async function expectRejected(ct: Buffer, plain: Buffer, badSegment: number, opts: { aad?: string } = {}) {
  const { out, error } = await decrypt(ct, S, 23, opts.aad ?? CONTENT);
  expect(error).toBeInstanceOf(IntegrityError);
  expect((error as IntegrityError).message).toMatch(/failed authentication|truncated|malformed/);
  expect(out.length).toBeLessThanOrEqual(badSegment * S);
  expect(out.length % S).toBe(0);
  expect(out.equals(plain.subarray(0, out.length))).toBe(true);
}

function segmentOffset(i: number): number {
  return HEADER_BYTES + i * (S + TAG_BYTES);
}

describe('segmented streaming AEAD', () => {
  describe('round trip', () => {
    it.each([
      ['0 bytes', 0],
      ['1 byte', 1],
      ['exactly one segment', S],
      ['one segment plus one byte', S + 1],
      ['many segments', 40 * S + 5],
      ['an exact multiple of the segment size', 7 * S],
    ])('%s', async (_name, size) => {
      const plain = randomBytes(size);
      const ct = await encrypt(plain);
      expect(ct.length).toBe(ciphertextSize(size, S));
      expect(plaintextSize(ct.length, S)).toBe(size);
      const { out, error } = await decrypt(ct);
      expect(error).toBeUndefined();
      expect(out.equals(plain)).toBe(true);
    });

    it('0-byte plaintext is one empty final segment (header + tag)', async () => {
      const ct = await encrypt(Buffer.alloc(0));
      expect(ct.length).toBe(HEADER_BYTES + TAG_BYTES);
      expect(ct[0]).toBe(HEADER_BYTES);
    });

    it('uses the default segment size when none is given', async () => {
      const plain = randomBytes(DEFAULT_SEGMENT_SIZE + 3);
      const { out: ct } = await run(createEncryptStream(KEY, CONTENT), split(plain, 65536));
      expect(ct.length).toBe(HEADER_BYTES + plain.length + 2 * TAG_BYTES);
      const { out, error } = await run(createDecryptStream(KEY, CONTENT), split(ct, 65536));
      expect(error).toBeUndefined();
      expect(out.equals(plain)).toBe(true);
    });

    it('round-trips random sizes, segment sizes and chunkings', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 3000 }),
          fc.integer({ min: 1, max: 300 }),
          fc.integer({ min: 1, max: 700 }),
          fc.integer({ min: 1, max: 700 }),
          async (size, segmentSize, inChunk, outChunk) => {
            const plain = randomBytes(size);
            const ct = await encrypt(plain, segmentSize, inChunk);
            expect(ct.length).toBe(ciphertextSize(size, segmentSize));
            const { out, error } = await decrypt(ct, segmentSize, outChunk);
            expect(error).toBeUndefined();
            expect(out.equals(plain)).toBe(true);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('encrypts the same plaintext differently each time (fresh salt and nonce prefix)', async () => {
      const plain = randomBytes(100);
      expect((await encrypt(plain)).equals(await encrypt(plain))).toBe(false);
    });
  });

  describe('streams without buffering the whole input', () => {
    it('encryption emits each segment once the next byte arrives', async () => {
      const enc = createEncryptStream(KEY, CONTENT, { segmentSize: S });
      const got: Buffer[] = [];
      enc.on('data', (c: Buffer) => got.push(c));
      enc.write(randomBytes(3 * S + 1));
      await new Promise(setImmediate);
      expect(Buffer.concat(got).length).toBe(segmentOffset(3));
      enc.end();
    });

    it('decryption emits each verified segment once the next byte arrives', async () => {
      const plain = randomBytes(5 * S);
      const ct = await encrypt(plain);
      const dec = createDecryptStream(KEY, CONTENT, { segmentSize: S });
      const got: Buffer[] = [];
      dec.on('data', (c: Buffer) => got.push(c));
      dec.write(ct.subarray(0, segmentOffset(2) + 1));
      await new Promise(setImmediate);
      expect(Buffer.concat(got).equals(plain.subarray(0, 2 * S))).toBe(true);
      dec.destroy();
    });
  });

  describe('tampering is detected and no unverified plaintext is released', () => {
    const plain = randomBytes(6 * S + 10);
    let ct: Buffer;
    beforeAll(async () => {
      ct = await encrypt(plain);
    });

    it('a flipped bit anywhere', async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: 8 * (6 * S + 10 + HEADER_BYTES + 7 * TAG_BYTES) - 1 }), async (bit) => {
          const bad = Buffer.from(ct);
          bad[bit >> 3] ^= 1 << (bit & 7);
          const byte = bit >> 3;
          const segment = byte < HEADER_BYTES ? 0 : Math.floor((byte - HEADER_BYTES) / (S + TAG_BYTES));
          await expectRejected(bad, plain, segment);
        }),
        { numRuns: 80 },
      );
    });

    it('a flipped bit in one tag releases none of that segment', async () => {
      const bad = Buffer.from(ct);
      bad[segmentOffset(3) - 1] ^= 0x80; // last tag byte of segment 2
      const { out, error } = await decrypt(bad);
      expect(error).toBeInstanceOf(IntegrityError);
      expect((error as Error).message).toContain('segment 2 failed authentication');
      expect(out.equals(plain.subarray(0, 2 * S))).toBe(true);
    });

    it('truncation at a segment boundary (the last-segment flag catches it)', async () => {
      const { out, error } = await decrypt(ct.subarray(0, segmentOffset(6)));
      expect(error).toBeInstanceOf(IntegrityError);
      expect((error as Error).message).toContain('segment 5 (final) failed authentication');
      expect(out.equals(plain.subarray(0, 5 * S))).toBe(true);
    });

    it.each([
      ['inside the header', 10],
      ['right after the header', HEADER_BYTES],
      ['inside a segment', segmentOffset(2) + 30],
      ['by one byte', -1],
    ])('truncation %s', async (_name, cut) => {
      const truncated = ct.subarray(0, cut < 0 ? ct.length + cut : cut);
      await expectRejected(truncated, plain, 6);
      const { error } = await decrypt(truncated);
      expect(error).toBeInstanceOf(IntegrityError);
    });

    it('appended bytes', async () => {
      await expectRejected(Buffer.concat([ct, Buffer.from([0])]), plain, 6);
    });

    it('reordered segments', async () => {
      const a = ct.subarray(segmentOffset(1), segmentOffset(2));
      const b = ct.subarray(segmentOffset(2), segmentOffset(3));
      const swapped = Buffer.concat([ct.subarray(0, segmentOffset(1)), b, a, ct.subarray(segmentOffset(3))]);
      await expectRejected(swapped, plain, 1);
    });

    it('a header swapped in from another encryption of the same content', async () => {
      const other = await encrypt(plain);
      const mixed = Buffer.concat([other.subarray(0, HEADER_BYTES), ct.subarray(HEADER_BYTES)]);
      await expectRejected(mixed, plain, 0);
    });

    it('a malformed header length byte', async () => {
      const bad = Buffer.from(ct);
      bad[0] = 41;
      const { out, error } = await decrypt(bad);
      expect(error).toBeInstanceOf(IntegrityError);
      expect((error as Error).message).toContain('header is malformed');
      expect(out.length).toBe(0);
    });

    it('a wrong content id, wrong key or wrong segment size', async () => {
      await expectRejected(ct, plain, 0, { aad: 'c5a1e0de-0000-4000-8000-000000000002' });
      for (const attempt of [decrypt(ct, S, 23, CONTENT, randomBytes(32)), decrypt(ct, S + 1)]) {
        const { out, error } = await attempt;
        expect(error).toBeInstanceOf(IntegrityError);
        expect(out.length).toBe(0);
      }
    });
  });

  describe('random access (SegmentReader)', () => {
    const plain = randomBytes(9 * S + 13);
    let ct: Buffer;
    beforeAll(async () => {
      ct = await encrypt(plain);
    });

    it('decrypts any plaintext range from just the ciphertext bytes it names', () => {
      const reader = new SegmentReader(KEY, CONTENT, ct.subarray(0, HEADER_BYTES), ct.length, { segmentSize: S });
      expect(reader.plaintextSize).toBe(plain.length);
      expect(reader.segmentCount).toBe(10);
      fc.assert(
        fc.property(fc.nat({ max: plain.length - 1 }), fc.integer({ min: 1, max: 4 * S }), (start, len) => {
          const end = Math.min(plain.length, start + len);
          const span = reader.span(start, end);
          const got = reader.decryptRange(start, end, ct.subarray(span.ciphertextStart, span.ciphertextEnd));
          expect(got.equals(plain.subarray(start, end))).toBe(true);
        }),
        { numRuns: 100 },
      );
    });

    it('decrypts segment i alone, and rejects a tampered or misplaced segment', () => {
      const reader = new SegmentReader(KEY, CONTENT, ct.subarray(0, HEADER_BYTES), ct.length, { segmentSize: S });
      const { start, end } = reader.segmentRange(4);
      expect(reader.decryptSegment(4, ct.subarray(start, end)).equals(plain.subarray(4 * S, 5 * S))).toBe(true);
      const bad = Buffer.from(ct.subarray(start, end));
      bad[5] ^= 1;
      expect(() => reader.decryptSegment(4, bad)).toThrow(IntegrityError);
      expect(() => reader.decryptSegment(5, ct.subarray(start, end))).toThrow(IntegrityError);
      const last = reader.segmentRange(9);
      expect(reader.decryptSegment(9, ct.subarray(last.start, last.end)).equals(plain.subarray(9 * S))).toBe(true);
    });

    it('rejects a ciphertext size that hides a truncation', () => {
      // Without the real final segment, segment 8 looks final, but it was sealed as non-final.
      const shorter = ct.length - (13 + TAG_BYTES);
      const reader = new SegmentReader(KEY, CONTENT, ct.subarray(0, HEADER_BYTES), shorter, { segmentSize: S });
      const { start, end } = reader.segmentRange(8);
      expect(() => reader.decryptSegment(8, ct.subarray(start, end))).toThrow(/segment 8 \(final\) failed/);
      expect(() => plaintextSize(HEADER_BYTES + 2 * (S + TAG_BYTES) + TAG_BYTES, S)).toThrow(IntegrityError);
      expect(() => plaintextSize(HEADER_BYTES + 3, S)).toThrow(IntegrityError);
    });

    it('rejects a wrong content id', () => {
      const reader = new SegmentReader(KEY, 'another-content', ct.subarray(0, HEADER_BYTES), ct.length, {
        segmentSize: S,
      });
      const { start, end } = reader.segmentRange(0);
      expect(() => reader.decryptSegment(0, ct.subarray(start, end))).toThrow(IntegrityError);
    });
  });

  it('refuses keys of the wrong length', () => {
    expect(() => createEncryptStream(randomBytes(16), CONTENT)).toThrow(RangeError);
    expect(() => createDecryptStream(randomBytes(31), CONTENT)).toThrow(RangeError);
  });

  it('lets the caller wipe its key right after creating a decrypt stream', async () => {
    const plain = randomBytes(3 * S);
    const ct = await encrypt(plain);
    const key = Buffer.from(KEY);
    const dec = createDecryptStream(key, CONTENT, { segmentSize: S });
    key.fill(0);
    const { out, error } = await run(dec, split(ct, 50));
    expect(error).toBeUndefined();
    expect(out.equals(plain)).toBe(true);
  });
});
