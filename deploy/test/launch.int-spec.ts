// deploy/node-flags.conf is read twice: by deploy/node-flags.cjs (npm start, the tests, the benches) and by the
// container's entrypoint, in sh. Both must launch each service the same way, and node must accept what they pass:
// a word the entrypoint took for a node flag instead of an environment variable stops the service at boot.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serviceLaunch } = require('../node-flags.cjs') as {
  serviceLaunch: (name: string) => { flags: string[]; env: Record<string, string> };
};

const ROOT = path.resolve(__dirname, '..', '..');
const SERVICES = ['gateway', 'catalog', 'drm', 'payments', 'chain-indexer'];

interface Launched {
  code: number;
  execArgv: string[];
  /** The values, in the launched process, of every variable any service's line sets (null: not set). */
  env: Record<string, string | null>;
  /** What node printed when it refused to start. */
  stderr?: string;
}

// Every variable named anywhere in the file, so a variable given to the wrong service shows up too.
const launchVars = [...new Set(SERVICES.flatMap((s) => Object.keys(serviceLaunch(s).env)))];

// Stands in for each service's dist/ entry point: reports how it was launched.
const PROBE = `process.stdout.write(JSON.stringify({ execArgv: process.execArgv, env: Object.fromEntries(${JSON.stringify(
  launchVars,
)}.map((k) => [k, process.env[k] ?? null])) }));`;

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Launched> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      if (code !== 0) {
        resolve({ code, execArgv: [], env: {}, stderr });
        return;
      }
      resolve({ code, ...(JSON.parse(stdout) as Omit<Launched, 'code'>) });
    });
  });
}

describe('deploy/node-flags.conf: every launcher starts each service the same way', () => {
  let image: string;
  // The parent's environment, without the variables the file sets, so only the launchers can set them.
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !launchVars.includes(k)));

  beforeAll(() => {
    // The image's layout: /app/deploy/node-flags.conf and /app/dist/services/<app>/src/main.js.
    image = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-launch-'));
    fs.mkdirSync(path.join(image, 'deploy'));
    fs.copyFileSync(path.join(ROOT, 'deploy/node-flags.conf'), path.join(image, 'deploy/node-flags.conf'));
    for (const service of SERVICES) {
      const dir = path.join(image, 'dist/services', service, 'src');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'main.js'), PROBE);
    }
  });

  afterAll(() => fs.rmSync(image, { recursive: true, force: true }));

  /** The service as the image's entrypoint starts it. */
  const viaEntrypoint = (service: string) =>
    run('sh', [path.join(ROOT, 'deploy/docker/entrypoint.sh')], image, { ...baseEnv, APP: service });

  it.each(SERVICES)('%s: the container entrypoint and npm start agree, and node accepts the flags', async (service) => {
    const { flags, env } = serviceLaunch(service);
    const main = path.join('dist/services', service, 'src/main.js');
    const local = await run(process.execPath, [...flags, main], image, { ...baseEnv, ...env });
    const container = await viaEntrypoint(service);

    expect(local).toEqual(container);
    expect(container.code).toBe(0);
    expect(container.execArgv).toEqual(flags);
    expect(container.env).toEqual(Object.fromEntries(launchVars.map((k) => [k, env[k] ?? null])));
  });

  it('drm runs with its memory settings: 1 MB semi-spaces, glibc mmap threshold 64 KB, no source maps', async () => {
    const container = await viaEntrypoint('drm');
    expect(container.execArgv).toContain('--max-semi-space-size=1');
    expect(container.execArgv).not.toContain('--enable-source-maps');
    expect(container.env.MALLOC_MMAP_THRESHOLD_).toBe('65536');
  });

  it('the other services run with source maps and none of drm’s allocator settings', async () => {
    for (const service of SERVICES.filter((s) => s !== 'drm')) {
      const container = await viaEntrypoint(service);
      expect({ service, execArgv: container.execArgv }).toEqual({ service, execArgv: ['--enable-source-maps'] });
      expect(container.env.MALLOC_MMAP_THRESHOLD_).toBeNull();
    }
  });
});
