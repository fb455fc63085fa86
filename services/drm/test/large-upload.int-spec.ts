import { readFileSync } from 'node:fs';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { benchDrm } from '../src/bench/drm-bench';
import { internalHeaders } from '../../../test/support/auth';
import {
  announceResource,
  type Harness,
  openHarness,
  partner,
  purchase,
  randomWallet,
  wallet,
} from './support/drm-harness';

const SIZE = 200 * 1024 * 1024;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

/** Deterministic pseudo-random stream, hashed as it is produced so the round trip can be compared. */
function generated(size: number, hash: ReturnType<typeof createHash>): Readable {
  const block = randomBytes(1024 * 1024);
  let i = 0;
  return new Readable({
    read() {
      if (i * block.length >= size) {
        this.push(null);
        return;
      }
      const chunk = Buffer.from(block);
      chunk.writeUInt32BE(i++, 0);
      hash.update(chunk);
      this.push(chunk);
    },
  });
}

describe('drm: a 200 MB streamed seal stays within bounded memory', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness();
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  });

  it('seals 200 MB within a bounded service RSS and streams it back intact', async () => {
    const pid = h.service.child.pid!;
    const baseline = rssMb(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
    const sent = createHash('sha256');
    const owner = randomUUID();
    const resourceId = await announceResource(h, owner);
    const t0 = Date.now();
    const res = await fetch(`${h.service.url}/content?resourceId=${resourceId}&mediaType=application/octet-stream`, {
      method: 'POST',
      headers: { ...(await internalHeaders('drm', partner(owner))), 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(generated(SIZE, sent)) as ReadableStream,
      duplex: 'half',
    });
    clearInterval(sampler);
    const sealMs = Date.now() - t0;
    expect(res.status).toBe(201);
    console.log(
      `seal 200 MB: ${sealMs} ms, service RSS baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`,
    );
    // Idle, drm sits at 110–130 MB (launched with deploy/node-flags.conf, as everywhere; 146 MB without its flags,
    // hence a 140 MB bound). During the upload it holds two 8 MB parts, a few sketch batches and the stream
    // buffers; the rest of the growth is spent buffers that V8 frees at its next collection, which it schedules by
    // heap pressure, not by their size. Measured: peaks of 165–200 MB on a loaded 2-core machine. Bounded by
    // construction, not by the content size (200 MB here).
    expect(baseline).toBeLessThan(140);
    expect(peak).toBeLessThan(230);
    expect(peak - baseline).toBeLessThan(100);

    const buyer = randomWallet();
    await purchase(h, resourceId, buyer.address);
    const got = createHash('sha256');
    const dl = await fetch(`${h.service.url}/content/${resourceId}/download`, {
      headers: await internalHeaders('drm', wallet(buyer.address)),
    });
    expect(dl.status).toBe(200);
    let received = 0;
    for await (const chunk of dl.body as unknown as AsyncIterable<Uint8Array>) {
      const take = Math.max(0, Math.min(chunk.length, SIZE - received));
      got.update(chunk.subarray(0, take));
      received += chunk.length;
    }
    expect(got.digest('hex')).toBe(sent.digest('hex'));
  }, 300_000);

  it('bench: seal and watermarked download vs raw S3 (64 MB)', async () => {
    const buyer = randomWallet();
    const owner = randomUUID();
    const result = await benchDrm({
      drmUrl: h.service.url,
      s3: h.s3,
      bucket: h.bucket,
      createResource: () => announceResource(h, owner),
      ownerHeaders: await internalHeaders('drm', partner(owner)),
      buyerHeaders: () => internalHeaders('drm', wallet(buyer.address)),
      grant: async (resourceId) => {
        await purchase(h, resourceId, buyer.address);
      },
      sizeMb: 64,
    });
    console.log(`bench ${JSON.stringify(result)}`);
    expect(result.sealMBps).toBeGreaterThan(0);
  }, 300_000);
});
