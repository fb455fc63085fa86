import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const STACK = path.join(ROOT, 'deploy', 'local', 'stack.mjs');

/**
 * Brings the local stack up the way the integration tests do (a no-op when it already answers) and returns
 * its variables; a variable already set in the environment wins. TESSERA_SKIP_STACK=1 uses a stack started
 * elsewhere.
 */
export function bringUpStack(): Record<string, string> {
  if (process.env.TESSERA_SKIP_STACK !== '1') {
    execFileSync(process.execPath, [STACK, 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const vars = JSON.parse(execFileSync(process.execPath, [STACK, 'env', '--json'], { encoding: 'utf8' })) as Record<
    string,
    string
  >;
  for (const [key, value] of Object.entries(vars)) {
    process.env[key] ??= value;
  }
  return Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]!]));
}

/** Deploys the platform contracts when anvil lacks them (a restarted anvil starts empty). */
export function ensureContracts(): void {
  execFileSync('npm', ['run', '--silent', 'contracts:deploy'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
}
