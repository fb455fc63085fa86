// Helpers for integration specs that run services as real child processes against the local stack.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

// One reader of deploy/node-flags.conf for `npm start` and for here (a CommonJS module both can load).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { serviceLaunch } = require('../../deploy/node-flags.cjs') as {
  serviceLaunch: (name: ServiceName) => { flags: string[]; env: Record<string, string> };
};

export type ServiceName = 'gateway' | 'catalog' | 'drm' | 'payments' | 'chain-indexer';

export function distMain(name: ServiceName): string {
  return path.join(ROOT, 'dist', 'services', name, 'src', 'main.js');
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 20_000, intervalMs = 200, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      newest = Math.max(newest, newestMtime(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

function sourcesMtime(name: ServiceName): number {
  const libs = fs.readdirSync(path.join(ROOT, 'libs')).map((lib) => path.join(ROOT, 'libs', lib, 'src'));
  return Math.max(
    ...[path.join(ROOT, 'services', name, 'src'), ...libs].filter((d) => fs.existsSync(d)).map(newestMtime),
  );
}

/**
 * Builds the service with `nest build` when dist is missing or older than its sources. Builds are
 * serialised with a lock directory because every build writes the whole of dist/.
 */
export async function ensureBuilt(name: ServiceName): Promise<void> {
  const main = distMain(name);
  // For runs that built once up front (CI: `npm run build` before the suites).
  if (process.env.TESSERA_SKIP_BUILD === '1' && fs.existsSync(main)) {
    return;
  }
  const fresh = () => fs.existsSync(main) && fs.statSync(main).mtimeMs >= sourcesMtime(name);
  if (fresh()) {
    return;
  }
  const lock = path.join(ROOT, 'dist', '.build-lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  await waitFor(
    () => {
      try {
        fs.mkdirSync(lock);
        return Promise.resolve(true);
      } catch {
        // Another worker is building; a lock older than 5 minutes is stale.
        if (Date.now() - fs.statSync(lock).mtimeMs > 300_000) {
          fs.rmSync(lock, { recursive: true, force: true });
        }
        return Promise.resolve(false);
      }
    },
    { timeoutMs: 300_000, intervalMs: 500, what: 'the build lock' },
  );
  try {
    if (!fresh()) {
      const nest = path.join(ROOT, 'node_modules', '.bin', 'nest');
      const buildStart = Date.now() - 1000;
      // Type errors elsewhere in the tree fail the command but still emit; the output decides.
      const result = await run(nest, ['build', name], { cwd: ROOT }).catch((e: { stdout?: string }) => e);
      if (!fs.existsSync(main) || fs.statSync(main).mtimeMs < buildStart) {
        throw new Error(`nest build ${name} did not produce ${main}:\n${String(result.stdout ?? '')}`);
      }
    }
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export interface HealthReport {
  status: number;
  body: {
    status: 'ok' | 'error';
    info?: Record<string, { status: string }>;
    error?: Record<string, { status: string; message?: string }>;
  };
}

export interface RunningService {
  name: ServiceName;
  url: string;
  child: ChildProcess;
  /** ms from spawn to the service's "listening" log line. */
  bootMs: number;
  output(): string;
  health(): Promise<HealthReport>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/**
 * Starts the built service on a free port with a fresh Kafka group and waits until it listens. `env.PORT` and
 * `env.KAFKA_GROUP_ID` pin both, which is how a killed service comes back as the same member of the platform.
 */
export async function startService(name: ServiceName, env: NodeJS.ProcessEnv = {}): Promise<RunningService> {
  await ensureBuilt(name);
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const started = Date.now();
  const launch = serviceLaunch(name);
  const child = spawn(process.execPath, [...launch.flags, distMain(name)], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...launch.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: String(port),
      KAFKA_GROUP_ID: `it-${name}-${randomUUID()}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let bootMs = -1;
  // SERVICE_LOG_DIR keeps every line each service process wrote (the in-memory copy keeps the last 200 KB).
  const logFile = process.env.SERVICE_LOG_DIR
    ? fs.createWriteStream(path.join(process.env.SERVICE_LOG_DIR, `${name}-${port}-${started}.log`))
    : undefined;
  const append = (chunk: Buffer) => {
    logFile?.write(chunk);
    output = (output + chunk.toString('utf8')).slice(-200_000);
    if (bootMs < 0 && /listening on/.test(output)) {
      bootMs = Date.now() - started;
    }
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
    logFile?.end();
  });

  const url = `http://127.0.0.1:${port}`;
  const health = async (): Promise<HealthReport> => {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: (await res.json()) as HealthReport['body'] };
  };
  const stop = async () => {
    const t0 = Date.now();
    if (!gone) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const result = await exited;
      clearTimeout(timer);
      return { ...result, ms: Date.now() - t0 };
    }
    return { ...(await exited), ms: 0 };
  };

  try {
    await waitFor(
      () => {
        if (gone) {
          throw new Error(`${name} exited during boot:\n${output.slice(-4000)}`);
        }
        return Promise.resolve(bootMs >= 0);
      },
      { timeoutMs: 45_000, intervalMs: 100, what: `${name} to listen` },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, url, child, bootMs, output: () => output, health, stop };
}

/** Runs a built service that is expected to exit by itself (e.g. on bad env). Call `ensureBuilt` first. */
export function runToExit(
  name: ServiceName,
  env: NodeJS.ProcessEnv,
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const launch = serviceLaunch(name);
    const child = spawn(process.execPath, [...launch.flags, distMain(name)], {
      cwd: ROOT,
      env: { ...env, ...launch.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not exit within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `node deploy/local/stack.mjs <command> <part>`; used to take a dependency down and back. */
export async function stackCtl(
  command: 'stop' | 'start',
  part: 'postgres' | 'kafka' | 's3' | 'anvil',
): Promise<number> {
  const t0 = Date.now();
  await run(process.execPath, [path.join(ROOT, 'deploy', 'local', 'stack.mjs'), command, part], {
    cwd: ROOT,
    timeout: 180_000,
  });
  return Date.now() - t0;
}
