// Jest global setup for the integration project: bring the local stack up (a no-op when it already
// answers) and hand its addresses to the workers, which inherit this process's environment.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const STACK = path.resolve(__dirname, '..', 'deploy', 'local', 'stack.mjs');

export default function globalSetup(): void {
  // TESSERA_SKIP_STACK=1 is for runs against a stack started elsewhere (docker compose, another host).
  if (process.env.TESSERA_SKIP_STACK !== '1') {
    execFileSync(process.execPath, [STACK, 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const vars = JSON.parse(execFileSync(process.execPath, [STACK, 'env', '--json'], { encoding: 'utf8' })) as Record<
    string,
    string
  >;
  for (const [key, value] of Object.entries(vars)) {
    // A variable the caller set explicitly wins over the local stack's default.
    process.env[key] ??= value;
  }
  // Services and suites read the platform's contracts from the deployment file; anvil keeps its chain in
  // memory, so a restarted anvil needs them deployed again (the script is a no-op when code is present).
  execFileSync('npm', ['run', '--silent', 'contracts:deploy'], {
    cwd: path.resolve(__dirname, '..'),
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
}
