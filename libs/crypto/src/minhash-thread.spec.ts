import { createHash } from 'node:crypto';

import { MinHasher } from './minhash';
import { ThreadedMinHasher } from './minhash-thread';
import { createStreamSketcher, createTapStream } from './sketch';

function bytes(n: number, seed: string): Buffer {
  const out = Buffer.alloc(n);
  for (let off = 0, i = 0; off < n; i++) {
    off += createHash('sha256').update(`${seed}:${i}`).digest().copy(out, off);
  }
  return out;
}

async function threaded(data: Buffer, chunk: number, normalize: 'none' | 'text') {
  const hasher = new ThreadedMinHasher({ normalize });
  for (let i = 0; i < data.length; i += chunk) {
    await hasher.update(data.subarray(i, i + chunk));
  }
  return hasher.digest();
}

describe('ThreadedMinHasher', () => {
  it('gives the in-thread sketch bit for bit, whatever the chunking and batch boundaries', async () => {
    for (const size of [0, 5, 9, 4096, 3 * 1024 * 1024 + 17]) {
      const data = bytes(size, `s${size}`);
      for (const normalize of ['none', 'text'] as const) {
        const expected = new MinHasher({ normalize }).update(data).digest();
        for (const chunk of [size > 100_000 ? 65_536 : 7, 1024 * 1024 + 3]) {
          const got = await threaded(data, chunk, normalize);
          expect(got.shingles).toBe(expected.shingles);
          expect(Buffer.from(got.registers.buffer)).toEqual(Buffer.from(expected.registers.buffer));
        }
      }
    }
  }, 60_000);

  it('serves concurrent sketches independently', async () => {
    const a = bytes(2 * 1024 * 1024, 'a');
    const b = bytes(2 * 1024 * 1024 + 5, 'b');
    const [ga, gb] = await Promise.all([threaded(a, 65_536, 'none'), threaded(b, 50_000, 'none')]);
    expect(Buffer.from(ga.registers.buffer)).toEqual(Buffer.from(new MinHasher().update(a).digest().registers.buffer));
    expect(Buffer.from(gb.registers.buffer)).toEqual(Buffer.from(new MinHasher().update(b).digest().registers.buffer));
  }, 60_000);

  it('holds a tap stream back while its batches are in flight, and refuses use after close', async () => {
    const sketcher = createStreamSketcher('application/octet-stream');
    const tap = createTapStream(sketcher);
    const data = bytes(6 * 1024 * 1024, 'tap');
    const done = new Promise((resolve, reject) => tap.on('finish', resolve).on('error', reject));
    tap.resume();
    for (let i = 0; i < data.length; i += 65_536) {
      tap.write(data.subarray(i, i + 65_536));
    }
    tap.end();
    await done;
    const sketch = await sketcher.digest();
    const expected = new MinHasher().update(data).digest();
    expect(sketch.kind === 'minhash' && sketch.shingles).toBe(expected.shingles);
    // Compared as bytes: the worker's typed array belongs to another realm than the spec's.
    expect(sketch.kind === 'minhash' && Buffer.from(sketch.registers.buffer)).toEqual(
      Buffer.from(expected.registers.buffer),
    );
    expect(() => sketcher.update(data)).toThrow(/closed/);
  }, 60_000);
});
