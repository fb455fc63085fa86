// seal_mbps / download_mbps: drm's seal path (fingerprint + encrypt + S3) and watermarked download against a raw
// putObject / getObject of the same bytes on the same object store. The drm service exports its side from
// services/drm/src/bench; until it does, the baselines are still measured and the figures say what is missing.
import { Client } from 'minio';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Bench } from '../lib/bench';
import type { Measurement } from '../lib/figures';
import { paired, timed } from '../lib/harness';
import { mbps, summarize } from '../lib/stats';
import { ROOT } from '../lib/stack';

const BYTES = 64 * 1024 * 1024;
const DRM_BENCH_DIR = path.join(ROOT, 'services', 'drm', 'src', 'bench');

export function s3Client(env: Record<string, string>): Client {
  const url = new URL(env.S3_ENDPOINT);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    useSSL: url.protocol === 'https:',
    accessKey: env.S3_ACCESS_KEY,
    secretKey: env.S3_SECRET_KEY,
    region: env.S3_REGION ?? 'us-east-1',
  });
}

async function drain(stream: Readable): Promise<number> {
  let n = 0;
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
  }
  return n;
}

/** The drm bench module's exports, or why there is none. */
async function drmBenchModule(): Promise<{ module?: Record<string, unknown>; missing?: string }> {
  const files = existsSync(DRM_BENCH_DIR) ? readdirSync(DRM_BENCH_DIR).filter((f) => f.endsWith('.bench.ts')) : [];
  if (files.length === 0) {
    return { missing: 'services/drm/src/bench exports no bench function yet' };
  }
  const exports: Record<string, unknown> = {};
  for (const file of files) {
    Object.assign(exports, (await import(path.join(DRM_BENCH_DIR, file))) as Record<string, unknown>);
  }
  return { module: exports };
}

export const drmBench: Bench = {
  group: 'seal',
  figures: ['seal_mbps', 'download_mbps'],
  budgetMs: 120_000,
  async run({ env, runId, log, budgetMs }) {
    const s3 = s3Client(env);
    const bucket = env.S3_BUCKET;
    const data = randomBytes(BYTES);
    const key = (i: number) => `bench/${runId}/raw-${i}`;
    let seq = 0;
    const written: string[] = [];
    try {
      // Raw baselines, paired with themselves until the drm side exists: put then get of the same object.
      const putSamples: number[] = [];
      const getSamples: number[] = [];
      const plan = { warmup: 1, runs: 5, budgetMs: budgetMs * 0.3, minRuns: 3 };
      let last = '';
      const put = async () => {
        last = key(seq++);
        written.push(last);
        return mbps(BYTES, await timed(() => s3.putObject(bucket, last, data, BYTES)));
      };
      const get = async () => mbps(BYTES, await timed(async () => drain(await s3.getObject(bucket, last))));
      const r = await paired(plan, put, get);
      putSamples.push(r.candidate.median);
      getSamples.push(r.baseline.median);
      log(`raw putObject ${r.candidate.median.toFixed(0)} MB/s, raw getObject ${r.baseline.median.toFixed(0)} MB/s`);
      const { missing } = await drmBenchModule();
      const out: Measurement[] = [];
      for (const [name, base, spread] of [
        ['seal_mbps', r.candidate.median, r.candidate],
        ['download_mbps', r.baseline.median, r.baseline],
      ] as const) {
        out.push({
          name,
          value: null,
          baseline: base,
          baselineSpread: spread,
          note: `not measured: ${missing ?? 'the drm bench module has no function this harness knows'}; baseline ${base.toFixed(0)} MB/s measured (${BYTES / 2 ** 20} MiB objects)`,
        });
      }
      void summarize;
      return out;
    } finally {
      for (const k of written) {
        await s3.removeObject(bucket, k).catch(() => undefined);
      }
    }
  },
};
