#!/usr/bin/env node
// `npm start`: the whole platform on this machine, in the foreground. Installs what is missing, brings
// the local stack up, builds, deploys the contracts, then runs every built service (each applies its own
// migrations at boot) and waits for their /health. Ctrl-C stops the services; the stack keeps running
// (`npm run stack:down` stops it).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, SERVICE_PORTS, ensureInstalled, npm, packageScripts, say, services } from './lib/workspace.mjs';
import { serviceLaunch } from '../deploy/node-flags.cjs';

const HEALTH_TIMEOUT_MS = 120000;
const children = new Map();
let stopping = false;

function serviceUrls() {
  return Object.fromEntries(
    Object.entries(SERVICE_PORTS).map(([name, port]) => [
      `${name.toUpperCase().replace(/-/g, '_')}_URL`,
      `http://127.0.0.1:${port}`,
    ]),
  );
}

function prefixOutput(stream, name, target) {
  const lines = readline.createInterface({ input: stream });
  lines.on('line', (line) => target.write(`[${name}] ${line}\n`));
}

function launch(service, env) {
  const { flags, env: launchEnv } = serviceLaunch(service.name);
  const child = spawn(process.execPath, [...flags, service.entry], {
    cwd: ROOT,
    env: { ...env, ...launchEnv, PORT: String(service.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C in the terminal reaches only this script, which forwards it once.
    detached: true,
  });
  prefixOutput(child.stdout, service.name, process.stdout);
  prefixOutput(child.stderr, service.name, process.stderr);
  children.set(service.name, child);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (!stopping) {
      process.stderr.write(`\n${service.name} exited (${code ?? signal}); stopping the other services\n`);
      void shutdown('SIGTERM', 1);
    }
  });
}

async function waitHealthy(service) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!children.has(service.name)) {
      throw new Error(`${service.name} exited before it was healthy`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${service.port}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(500);
  }
  throw new Error(
    `${service.name} did not report healthy on :${service.port}/health within ${HEALTH_TIMEOUT_MS / 1000} s`,
  );
}

async function shutdown(signal, code) {
  if (stopping) {
    return;
  }
  stopping = true;
  for (const child of children.values()) {
    child.kill(signal);
  }
  const deadline = Date.now() + 15000;
  while (children.size > 0 && Date.now() < deadline) {
    await sleep(100);
  }
  for (const child of children.values()) {
    child.kill('SIGKILL');
  }
  process.exit(code);
}

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => void shutdown(signal, 0));
  }
  await ensureInstalled();
  const { createStack } = await import('../deploy/local/stack.mjs');
  const stack = createStack();
  say('local stack up');
  await stack.up();

  const scripts = packageScripts();
  const stackEnv = { ...process.env, ...stack.env(), TESSERA_HOME: stack.config.home };
  if (scripts['contracts:build']) {
    say('npm run contracts:build');
    if ((await npm(['run', '-s', 'contracts:build'], { env: stackEnv })) !== 0) {
      throw new Error('contracts:build failed');
    }
  }
  say('npm run build');
  if ((await npm(['run', '-s', 'build'])) !== 0) {
    throw new Error('build failed');
  }
  if (scripts['contracts:deploy']) {
    say('npm run contracts:deploy');
    if ((await npm(['run', '-s', 'contracts:deploy'], { env: stackEnv })) !== 0) {
      throw new Error('contracts:deploy failed');
    }
  }

  // Services find the deployed contracts in ${TESSERA_HOME}/deployments, written by contracts:deploy.
  const env = { NODE_ENV: 'development', ...stackEnv, ...serviceUrls() };
  const built = services().filter((service) => fs.existsSync(service.entry));
  if (built.length === 0) {
    throw new Error('no service is built yet (services/<name>/src/main.ts)');
  }
  say(`starting ${built.map((s) => s.name).join(', ')}`);
  for (const service of built) {
    launch(service, env);
  }
  await Promise.all(built.map((service) => waitHealthy(service)));

  const lines = built.map((service) => `  ${service.name.padEnd(14)} http://127.0.0.1:${service.port}`);
  if (built.some((service) => service.name === 'gateway')) {
    lines.unshift('  Swagger UI     http://127.0.0.1:3000/docs');
  }
  const vars = stack.env();
  say(
    [
      'Tessera is running (Ctrl-C stops the services; `npm run stack:down` stops the stack)',
      ...lines,
      `  PostgreSQL     ${vars.DATABASE_URL}`,
      `  Kafka          ${vars.KAFKA_BROKERS}`,
      `  S3 (${vars.S3_SERVER || 's3'})${' '.repeat(Math.max(1, 9 - (vars.S3_SERVER || 's3').length))}${vars.S3_ENDPOINT}  bucket ${vars.S3_BUCKET}`,
      `  anvil          ${vars.RPC_URL}  chain id ${vars.CHAIN_ID}`,
    ].join('\n'),
  );
}

main().catch((err) => {
  process.stderr.write(`npm start: ${err.message}\n`);
  void shutdown('SIGTERM', 1);
});
