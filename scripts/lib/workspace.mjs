// Shared by `npm test` and `npm start`: install when needed, run steps, find the services that exist.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export function say(message) {
  process.stdout.write(`\n==> ${message}\n`);
}

/** Runs a command with inherited output and resolves to its exit code (never rejects on failure). */
export function exec(command, args, { env = process.env, cwd = ROOT } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
    child.on('error', (err) => {
      process.stderr.write(`${command}: ${err.message}\n`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export const npm = (args, options) => exec(npmCommand, args, options);

export function packageScripts() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
}

/** `npm ci` when node_modules is missing or older than package-lock.json. */
export async function ensureInstalled() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  const stale =
    !fs.existsSync(marker) || (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs);
  if (!stale) {
    return;
  }
  say('npm ci (node_modules is missing or older than package-lock.json)');
  const code = await npm(['ci', '--no-audit', '--no-fund']);
  if (code !== 0) {
    throw new Error(`npm ci failed with exit code ${code}`);
  }
}

/** The Nest applications from nest-cli.json whose source exists, with their port and built entry. */
export function services() {
  const nest = JSON.parse(fs.readFileSync(path.join(ROOT, 'nest-cli.json'), 'utf8'));
  return Object.entries(nest.projects ?? {})
    .filter(([, project]) => project.type === 'application')
    .filter(([, project]) => fs.existsSync(path.join(ROOT, project.sourceRoot, 'main.ts')))
    .map(([name, project]) => ({
      name,
      port: SERVICE_PORTS[name],
      entry: path.join(ROOT, 'dist', `${project.entryFile}.js`),
    }));
}

export const SERVICE_PORTS = { gateway: 3000, catalog: 3001, drm: 3002, payments: 3003, 'chain-indexer': 3004 };

/** Runs a named step, timing it; returns true when it passed. */
export async function step(results, name, fn) {
  say(name);
  const started = Date.now();
  let ok;
  try {
    ok = await fn();
  } catch (err) {
    process.stderr.write(`${name}: ${err.message}\n`);
    ok = false;
  }
  results.push({ name, ok, seconds: (Date.now() - started) / 1000 });
  return ok;
}

/**
 * The Swagger UI suite drives Debian's Chromium (no browser download is possible or wanted). Install it
 * when missing and we are root on a Debian-like system; otherwise that one suite reports itself skipped.
 */
export async function ensureChromium() {
  if (fs.existsSync('/usr/bin/chromium') || process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/apt-get')) {
    return true;
  }
  say('installing Debian chromium for the Swagger UI test');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if ((await exec('apt-get', ['update', '-qq'], { env })) !== 0) {
    return false;
  }
  return (await exec('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env })) === 0;
}
