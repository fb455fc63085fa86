// CPU profile of the drm service while it seals: `npx tsx bench/profile-drm.ts [uploads]`, then
// `npx tsx bench/profile-top.ts bench/results/tmp/prof-drm/<file>.cpuprofile`. Uses the built dist/ of drm
// (`npx nest build drm`) and the local stack's environment.
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Kafka } from 'kafkajs';
import { announceResource } from '../services/drm/test/support/drm-harness';
import { internalHeaders, partner } from '../test/support/auth';
import { bringUpStack, ROOT } from './lib/stack';

const SIZE = 64 * 1024 * 1024;
const PORT = 3912;
const OUT = path.join(ROOT, 'bench', 'results', 'tmp', 'prof-drm');

function source(size: number): Readable {
  const block = randomBytes(1024 * 1024);
  let left = size;
  return new Readable({
    read() {
      const n = Math.min(left, block.length);
      left -= n;
      this.push(n > 0 ? block.subarray(0, n) : null);
    },
  });
}

async function main(): Promise<void> {
  bringUpStack();
  const uploads = Number(process.argv[2] ?? 3);
  const child = spawn(
    process.execPath,
    ['--cpu-prof', '--cpu-prof-dir', OUT, path.join(ROOT, 'dist', 'services', 'drm', 'src', 'main.js')],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', PORT: String(PORT), KAFKA_GROUP_ID: `bench-prof-${randomUUID()}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (/listening on/.test(out)) {
        resolve();
      }
    });
    child.on('exit', () => reject(new Error('drm exited during boot')));
  });
  // drm seals only under resources catalog announced; announce them the way catalog's relay does.
  const producer = new Kafka({ clientId: 'bench-prof-drm', brokers: process.env.KAFKA_BROKERS!.split(',') }).producer();
  await producer.connect();
  const owner = randomUUID();
  for (let i = 0; i < uploads; i++) {
    const resourceId = await announceResource({ producer }, owner);
    const t0 = Date.now();
    const res = await fetch(
      `http://127.0.0.1:${PORT}/content?resourceId=${resourceId}&mediaType=application/octet-stream`,
      {
        method: 'POST',
        headers: {
          ...(await internalHeaders('drm', partner(owner))),
          'content-type': 'application/octet-stream',
        },
        body: Readable.toWeb(source(SIZE)) as ReadableStream,
        duplex: 'half',
      },
    );
    process.stdout.write(`seal ${res.status} in ${Date.now() - t0} ms\n`);
  }
  await producer.disconnect();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  process.stdout.write(`profile written to ${OUT}\n`);
}

void main();
