/**
 * Throughput figures for `npm run bench`: sealing vs a raw putObject of the same bytes, and a watermarked
 * download vs a raw getObject. Runs against a started drm service and the S3 store it uses.
 */
import type { Client } from 'minio';
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';

export interface DrmBenchOptions {
  /** Base URL of a running drm service. */
  drmUrl: string;
  s3: Client;
  bucket: string;
  /** Creates the catalog resource the content is sealed under (drm admits seals for known resources only). */
  createResource: () => Promise<string>;
  /** Internal-token headers for the resource's owner (seal) and for the licensed buyer (download). */
  ownerHeaders: Record<string, string>;
  buyerHeaders: (resourceId: string) => Promise<Record<string, string>>;
  /** Grants the buyer a licence for the sealed resource (e.g. by publishing a confirmed purchase). */
  grant: (resourceId: string) => Promise<void>;
  sizeMb?: number;
  mediaType?: string;
}

export interface DrmBenchResult {
  sizeMb: number;
  sealMBps: number;
  rawPutMBps: number;
  downloadMBps: number;
  rawGetMBps: number;
}

/** Streams `size` bytes in 1 MiB chunks of one random block, so generating input costs nothing measurable. */
function source(size: number): Readable {
  const block = randomBytes(1024 * 1024);
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, block.length);
      left -= n;
      this.push(n === block.length ? block : block.subarray(0, n));
    },
  });
}

async function drain(body: AsyncIterable<unknown>): Promise<void> {
  for await (const chunk of body) {
    void chunk;
  }
}

const mbps = (bytes: number, ms: number) => Number((bytes / 1024 / 1024 / (ms / 1000)).toFixed(1));

export async function benchDrm(opts: DrmBenchOptions): Promise<DrmBenchResult> {
  const sizeMb = opts.sizeMb ?? 64;
  const size = sizeMb * 1024 * 1024;
  const mediaType = opts.mediaType ?? 'application/octet-stream';
  const rawKey = `bench/raw-${randomUUID()}`;

  let t0 = performance.now();
  await opts.s3.putObject(opts.bucket, rawKey, source(size), size);
  const rawPutMBps = mbps(size, performance.now() - t0);

  const resourceId = await opts.createResource();
  t0 = performance.now();
  const sealed = await fetch(
    `${opts.drmUrl}/content?resourceId=${resourceId}&mediaType=${encodeURIComponent(mediaType)}`,
    {
      method: 'POST',
      headers: { ...opts.ownerHeaders, 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(source(size)) as ReadableStream,
      duplex: 'half',
    },
  );
  if (sealed.status !== 201) {
    throw new Error(`seal failed with ${sealed.status}: ${await sealed.text()}`);
  }
  const sealMBps = mbps(size, performance.now() - t0);

  t0 = performance.now();
  await drain(await opts.s3.getObject(opts.bucket, rawKey));
  const rawGetMBps = mbps(size, performance.now() - t0);

  await opts.grant(resourceId);
  t0 = performance.now();
  const res = await fetch(`${opts.drmUrl}/content/${resourceId}/download`, {
    headers: await opts.buyerHeaders(resourceId),
  });
  if (res.status !== 200 || !res.body) {
    throw new Error(`download failed with ${res.status}`);
  }
  await drain(res.body);
  const downloadMBps = mbps(size, performance.now() - t0);

  await opts.s3.removeObject(opts.bucket, rawKey);
  return { sizeMb, sealMBps, rawPutMBps, downloadMBps, rawGetMBps };
}
