// CPU profile of the drm service while it seals: `npx tsx bench/profile-drm.ts [uploads]`, then
// `npx tsx bench/profile-top.ts bench/results/tmp/prof-drm/<file>.cpuprofile`. Uses the built dist/ of drm
// (`npx nest build drm`) and the local stack's environment.
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
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
  for (let i = 0; i < uploads; i++) {
    const t0 = Date.now();
    const res = await fetch(
      `http://127.0.0.1:${PORT}/content?resourceId=${randomUUID()}&mediaType=application/octet-stream`,
      {
        method: 'POST',
        headers: {
          ...(await internalHeaders('drm', partner(randomUUID()))),
          'content-type': 'application/octet-stream',
        },
        body: Readable.toWeb(source(SIZE)) as ReadableStream,
        duplex: 'half',
      },
    );
    process.stdout.write(`seal ${res.status} in ${Date.now() - t0} ms\n`);
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  process.stdout.write(`profile written to ${OUT}\n`);
}

void main();
