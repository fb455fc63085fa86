/**
 * Throughput figures for `npm run bench`: sealing vs a raw putObject of the same bytes, and a watermarked
 * download vs a raw getObject. Runs against a started drm service and the S3 store it uses.
 */
import type { Client } from 'minio';
import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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
  /** Which side of each pair runs first; alternate it across runs so neither always inherits the other's wake. */
  order?: 'raw-first' | 'service-first';
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

/**
 * One request to drm through `node:http`, the HTTP client the baseline's S3 client (minio-js) uses too, so both
 * sides of each ratio pay the same client costs and the difference is the service. `fetch` (undici, web streams)
 * costs this 2-core machine's shared CPU noticeably more per byte than the baseline's client.
 */
async function call(
  url: string,
  opts: { method: string; headers: Record<string, string>; body?: Readable },
): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { method: opts.method, headers: opts.headers }, resolve);
    req.on('error', reject);
    if (opts.body) {
      pipeline(opts.body, req).catch(reject);
    } else {
      req.end();
    }
  });
}

async function text(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs both, `a` first when `aFirst`, and returns their results in argument order. */
async function inOrder<A, B>(a: () => Promise<A>, b: () => Promise<B>, aFirst: boolean): Promise<[A, B]> {
  if (aFirst) {
    const x = await a();
    return [x, await b()];
  }
  const y = await b();
  return [await a(), y];
}

const mbps = (bytes: number, ms: number) => Number((bytes / 1024 / 1024 / (ms / 1000)).toFixed(1));

export async function benchDrm(opts: DrmBenchOptions): Promise<DrmBenchResult> {
  const sizeMb = opts.sizeMb ?? 64;
  const size = sizeMb * 1024 * 1024;
  const mediaType = opts.mediaType ?? 'application/octet-stream';
  const rawKey = `bench/raw-${randomUUID()}`;

  const rawPut = async () => {
    const t0 = performance.now();
    await opts.s3.putObject(opts.bucket, rawKey, source(size), size);
    return mbps(size, performance.now() - t0);
  };
  const rawGet = async () => {
    const t0 = performance.now();
    await drain(await opts.s3.getObject(opts.bucket, rawKey));
    return mbps(size, performance.now() - t0);
  };

  const resourceId = await opts.createResource();
  const sealOnce = async () => {
    const t0 = performance.now();
    const sealed = await call(
      `${opts.drmUrl}/content?resourceId=${resourceId}&mediaType=${encodeURIComponent(mediaType)}`,
      {
        method: 'POST',
        // Sized like a file upload (and like the baseline's putObject, which is given the size).
        headers: { ...opts.ownerHeaders, 'content-type': 'application/octet-stream', 'content-length': String(size) },
        body: source(size),
      },
    );
    const sealBody = await text(sealed);
    if (sealed.statusCode !== 201) {
      throw new Error(`seal failed with ${sealed.statusCode}: ${sealBody}`);
    }
    return mbps(size, performance.now() - t0);
  };
  const downloadOnce = async () => {
    const t0 = performance.now();
    const res = await call(`${opts.drmUrl}/content/${resourceId}/download`, {
      method: 'GET',
      headers: await opts.buyerHeaders(resourceId),
    });
    if (res.statusCode !== 200) {
      throw new Error(`download failed with ${res.statusCode}: ${await text(res)}`);
    }
    await drain(res);
    return mbps(size, performance.now() - t0);
  };

  const rawFirst = (opts.order ?? 'raw-first') === 'raw-first';
  const [rawPutMBps, sealMBps] = await inOrder(rawPut, sealOnce, rawFirst);
  await opts.grant(resourceId);
  const [rawGetMBps, downloadMBps] = await inOrder(rawGet, downloadOnce, rawFirst);

  await opts.s3.removeObject(opts.bucket, rawKey);
  return { sizeMb, sealMBps, rawPutMBps, downloadMBps, rawGetMBps };
}
