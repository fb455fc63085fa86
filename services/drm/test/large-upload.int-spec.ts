import { readFileSync } from 'node:fs';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { benchDrm } from '../src/bench/drm-bench';
import { internalHeaders } from '../../../test/support/auth';
import {
  announceResource,
  type Harness,
  objectKeys,
  openCaughtUpHarness,
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

/** POSTs `body` through node:http: with `length`, as a sized upload (Content-Length); without, chunked. */
function post(url: string, headers: Record<string, string>, body: Readable, length?: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, ...(length === undefined ? {} : { 'content-length': String(length) }) },
      },
      resolve,
    );
    req.on('error', reject);
    pipeline(body, req).catch(reject);
  });
}

async function text(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

describe('drm: a 200 MB streamed seal stays within bounded memory', () => {
  let h: Harness;

  beforeAll(async () => {
    // Measure the seal, not the replay of the purchases earlier suites left on the topics (see the helper).
    h = await openCaughtUpHarness();
  }, 270_000);

  afterAll(async () => {
    await h?.close();
  });

  // A sized upload goes to the store in one streamed PUT, a chunked one (size unknown) in multipart parts.
  it.each([
    ['sized (Content-Length): one streamed PUT', SIZE],
    ['chunked: multipart parts', undefined],
  ])(
    '%s: seals 200 MB within a bounded service RSS and streams it back intact',
    async (_mode, length) => {
      const pid = h.service.child.pid!;
      const baseline = rssMb(pid);
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
      const sent = createHash('sha256');
      const owner = randomUUID();
      const resourceId = await announceResource(h, owner);
      const t0 = Date.now();
      const res = await post(
        `${h.service.url}/content?resourceId=${resourceId}&mediaType=application/octet-stream`,
        { ...(await internalHeaders('drm', partner(owner))), 'content-type': 'application/octet-stream' },
        generated(SIZE, sent),
        length,
      );
      const answer = await text(res);
      clearInterval(sampler);
      const sealMs = Date.now() - t0;
      expect({ status: res.statusCode, answer }).toMatchObject({ status: 201 });
      expect(JSON.parse(answer)).toMatchObject({ plaintextSize: SIZE });
      console.log(
        `seal 200 MB (${_mode}): ${sealMs} ms, service RSS baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`,
      );
      // The service is idle and caught up with its topics (openCaughtUpHarness), launched as deploy/node-flags.conf
      // says, as everywhere. A sized upload holds only stream buffers; a chunked one also two 8 MB parts. Measured
      // for the sized one: 108 → 146–150 MB (166–171 before drm's 1 MB semi-spaces and malloc threshold, see that
      // file). It is bounded by construction, not by the content size. The chunked upload starts from the heap the
      // first left behind (RSS is not given back), so only its growth says something.
      if (length !== undefined) {
        expect(baseline).toBeLessThan(125);
        expect(peak).toBeLessThan(160);
      }
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
      // The copy is the content and its licence manifest, announced up front so a client can show progress.
      expect(Number(dl.headers.get('content-length'))).toBe(received);
      expect(received).toBeGreaterThan(SIZE);
    },
    300_000,
  );

  it('refuses an upload announced above SEAL_MAX_MB with 413 before reading its body', async () => {
    const owner = randomUUID();
    const resourceId = await announceResource(h, owner);
    const announced = 10_240 * 1024 * 1024 + 1;
    const headers = await internalHeaders('drm', partner(owner));
    const req = request(`${h.service.url}/content?resourceId=${resourceId}&mediaType=application/octet-stream`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(announced) },
    });
    const answered = new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
    });
    // One byte of the 10 GiB: the answer must come without the rest.
    req.write(Buffer.of(0));
    const res = await answered;
    const problem = JSON.parse(await text(res)) as { detail: string };
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(problem.detail).toMatch(/exceeds 10737418240 bytes/);
    req.destroy();
    expect(await objectKeys(h, `content/${resourceId}/`)).toEqual([]);
  }, 60_000);

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
