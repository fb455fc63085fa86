// CPU profile of the drm service while it seals or serves downloads:
//   `npx tsx bench/profile-drm.ts [seal|download] [count]` (default: seal 3),
// then `npx tsx bench/profile-top.ts bench/results/tmp/prof-drm/<file>.cpuprofile`. Uses the built dist/ of drm
// (`npm run build`) and the local stack's environment. `download` seals one 64 MiB object first, grants a buyer a
// licence for it, and then profiles `count` watermarked downloads of it. Each run prints its wall time, the
// service's CPU time (steadier than wall time on a shared machine) by thread, and its peak RSS. PROF=0 runs without
// profiling. The service first reads every event already on its topics (a fresh group replays them); PROF_GROUP=<id>
// reuses a group, so a second run with the same id starts caught up, with none of that replay in its heap.
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { Client as PgClient } from 'pg';
import {
  announceResource,
  awaitHandlersCaughtUp,
  purchase,
  randomWallet,
} from '../services/drm/test/support/drm-harness';
import { internalHeaders, partner, wallet } from '../test/support/auth';
import { distMain, serviceLaunch } from '../test/support/service-process';
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

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

/** CPU time (user + system) the process has used, in ms: less noisy than wall time on a shared machine. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** CPU time (ms) of each of the process's threads, keyed by "name/tid". */
function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      out.set(`${name}/${tid}`, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** Runs `work` while sampling the service's RSS every 20 ms; prints wall time, the service's CPU time and peak RSS. */
async function timed(label: string, pid: number, work: () => Promise<void>): Promise<void> {
  let peak = rssMb(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
  const t0 = Date.now();
  const cpu0 = cpuMs(pid);
  const threads0 = threadCpuMs(pid);
  await work();
  clearInterval(sampler);
  const ms = Date.now() - t0;
  process.stdout.write(
    `${label} in ${ms} ms (${(SIZE / 1e6 / (ms / 1000)).toFixed(1)} MB/s), service CPU ${cpuMs(pid) - cpu0} ms, ` +
      `peak RSS ${peak.toFixed(0)} MB\n`,
  );
  // Where that CPU went, by thread (the main loop, the sketch worker, libuv's pool, V8's GC helpers).
  const spent = [...threadCpuMs(pid)]
    .map(([thread, ms]) => [thread, ms - (threads0.get(thread) ?? 0)] as const)
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1]);
  process.stdout.write(`  by thread: ${spent.map(([t, ms]) => `${t} ${ms}`).join(', ')}\n`);
}

async function main(): Promise<void> {
  bringUpStack();
  const mode = process.argv[2] === 'download' ? 'download' : 'seal';
  const count = Number(process.argv[mode === process.argv[2] ? 3 : 2] ?? 3);
  const groupId = process.env.PROF_GROUP ?? `bench-prof-${randomUUID()}`;
  const child = spawn(
    process.execPath,
    [
      ...(process.env.PROF === '0' ? [] : ['--cpu-prof', '--cpu-prof-dir', OUT]),
      ...serviceLaunch('drm').flags,
      distMain('drm'),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...serviceLaunch('drm').env,
        NODE_ENV: 'test',
        PORT: String(PORT),
        KAFKA_GROUP_ID: groupId,
      },
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
  const pid = child.pid!;
  process.stdout.write(`drm listening, idle RSS ${rssMb(pid).toFixed(0)} MB\n`);
  // Its fresh group first replays the purchases already on the topics; profile the seals, not that replay.
  const backlog = await awaitHandlersCaughtUp({ groupId });
  process.stdout.write(`drm read the ${backlog} events already on its topics, RSS now ${rssMb(pid).toFixed(0)} MB\n`);
  // drm seals only under resources catalog announced; announce them the way catalog's relay does.
  const producer = new Kafka({
    clientId: 'bench-prof-drm',
    brokers: process.env.KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  const pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const owner = randomUUID();
  const seal = async (resourceId: string) => {
    const res = await fetch(
      `http://127.0.0.1:${PORT}/content?resourceId=${resourceId}&mediaType=application/octet-stream`,
      {
        method: 'POST',
        headers: {
          ...(await internalHeaders('drm', partner(owner))),
          'content-type': 'application/octet-stream',
          // Sized, as the bench and the CLI send it: drm streams it into one PUT.
          'content-length': String(SIZE),
        },
        body: Readable.toWeb(source(SIZE)) as ReadableStream,
        duplex: 'half',
      },
    );
    if (res.status !== 201) {
      throw new Error(`seal answered ${res.status}: ${await res.text()}`);
    }
  };
  if (mode === 'seal') {
    for (let i = 0; i < count; i++) {
      const resourceId = await announceResource({ producer }, owner);
      await timed('seal', pid, () => seal(resourceId));
    }
  } else {
    const resourceId = await announceResource({ producer }, owner);
    await seal(resourceId);
    const buyer = randomWallet();
    await purchase({ producer, pg } as Parameters<typeof purchase>[0], resourceId, buyer.address);
    for (let i = 0; i < count; i++) {
      await timed('download', pid, async () => {
        const res = await fetch(`http://127.0.0.1:${PORT}/content/${resourceId}/download`, {
          headers: await internalHeaders('drm', wallet(buyer.address)),
        });
        if (res.status !== 200 || !res.body) {
          throw new Error(`download answered ${res.status}`);
        }
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          void chunk;
        }
      });
    }
  }
  await producer.disconnect();
  await pg.end();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  process.stdout.write(`profile written to ${OUT}\n`);
}

void main();
