#!/usr/bin/env node
// The local stack without containers: PostgreSQL, Kafka (KRaft), an S3 server and anvil, all on 127.0.0.1.
//   node deploy/local/stack.mjs up|down [part...] | status [--json] | start <part> | stop <part> | env [--json]
// State, logs and downloaded tools live in ${TESSERA_HOME:-~/.cache/tessera}.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { anvilPart } from './lib/anvil.mjs';
import { loadConfig } from './lib/config.mjs';
import { kafkaPart } from './lib/kafka.mjs';
import { postgresPart } from './lib/postgres.mjs';
import { log, portInUse, tail, waitFor, withLock } from './lib/proc.mjs';
import { s3Part } from './lib/s3.mjs';

export const PARTS = ['postgres', 'kafka', 's3', 'anvil'];
// How long a launched part may take to answer. A cold JVM on a busy two-core machine is the slow one.
const READY_TIMEOUT_MS = { postgres: 60000, kafka: 180000, s3: 60000, anvil: 30000 };

export function createStack(env = process.env) {
  const cfg = loadConfig(env);
  const parts = { postgres: postgresPart(cfg), kafka: kafkaPart(cfg), s3: s3Part(cfg), anvil: anvilPart(cfg) };
  const envFile = path.join(cfg.home, 'stack.env');
  const lock = (fn) => withLock(path.join(cfg.home, 'stack.lock'), fn);

  function select(names) {
    const list = names && names.length > 0 ? names : PARTS;
    for (const name of list) {
      if (!parts[name]) {
        throw new Error(`unknown part "${name}" (parts: ${PARTS.join(', ')})`);
      }
    }
    return list.map((name) => parts[name]);
  }

  function prepareDirs() {
    for (const dir of [cfg.home, cfg.tools, cfg.logs, cfg.run]) {
      fs.mkdirSync(dir, { recursive: true });
    }
  }

  async function bringUp(part) {
    const started = Date.now();
    if (await part.answering()) {
      return { name: part.name, state: 'already running', pid: part.pid(), seconds: 0 };
    }
    const port = Number(part.address.split(':').pop());
    if (part.pid() === null && (await portInUse(port))) {
      throw new Error(`${part.name}: port ${port} is taken by a process this stack did not start`);
    }
    const daemon = await part.start();
    await waitFor(() => part.ready(), {
      timeoutMs: READY_TIMEOUT_MS[part.name],
      what: part.name,
      abort: () =>
        daemon?.exited.done
          ? `exited (${daemon.exited.error?.message ?? daemon.exited.code ?? daemon.exited.signal}); ${part.logFile} ends with:\n${tail(part.logFile)}`
          : null,
    });
    await part.provision?.();
    await waitFor(() => part.answering(), { timeoutMs: 30000, what: `${part.name} after provisioning` });
    return {
      name: part.name,
      state: daemon ? 'started' : 'resumed',
      pid: part.pid(),
      seconds: (Date.now() - started) / 1000,
    };
  }

  function variables() {
    return Object.assign({}, ...PARTS.map((name) => parts[name].env()));
  }

  function writeEnvFile() {
    const lines = Object.entries(variables()).map(([key, value]) => `${key}=${value}`);
    fs.writeFileSync(
      envFile,
      `# Written by deploy/local/stack.mjs; the local stack's addresses.\n${lines.join('\n')}\n`,
    );
  }

  async function upUnlocked(names) {
    prepareDirs();
    const selected = select(names);
    const results = await Promise.allSettled(selected.map((part) => bringUp(part)));
    const failures = [];
    results.forEach((result, i) => {
      const part = selected[i];
      if (result.status === 'fulfilled') {
        const { state, pid, seconds } = result.value;
        const timing = state === 'already running' ? '' : ` in ${seconds.toFixed(1)} s`;
        log(
          `${part.name.padEnd(8)} ${`${state}${timing}`.padEnd(24)} pid ${String(pid ?? '-').padEnd(8)} ${part.describe()}`,
        );
      } else {
        failures.push(`${part.name}: ${result.reason?.message ?? result.reason}`);
        log(`${part.name.padEnd(8)} FAILED: ${result.reason?.message ?? result.reason}`);
      }
    });
    writeEnvFile();
    if (failures.length > 0) {
      throw new Error(`the stack did not come up:\n${failures.join('\n')}`);
    }
    return results.map((r) => r.value);
  }

  async function downUnlocked(names) {
    const selected = select(names);
    const results = await Promise.all(selected.map(async (part) => ({ name: part.name, result: await part.stop() })));
    for (const { name, result } of results) {
      log(`${name.padEnd(8)} ${result}`);
    }
    return results;
  }

  return {
    config: cfg,
    envFile,
    parts,
    /** Starts every selected part that does not answer yet and waits until all of them answer. */
    up: (names) => lock(() => upUnlocked(names)),
    down: (names) => lock(() => downUnlocked(names)),
    start: (name) => lock(() => upUnlocked([name])),
    stop: (name) => lock(() => downUnlocked([name])),
    async status(names) {
      return Promise.all(
        select(names).map(async (part) => ({
          name: part.name,
          pid: part.pid(),
          answering: await part.answering(),
          address: part.address,
          description: part.describe(),
          log: part.logFile,
        })),
      );
    },
    /** The variables services and tests need, as written to stack.env. */
    env: variables,
  };
}

export const up = (names) => createStack().up(names);
export const down = (names) => createStack().down(names);
export const start = (name) => createStack().start(name);
export const stop = (name) => createStack().stop(name);
export const status = (names) => createStack().status(names);
export const stackEnv = () => createStack().env();

async function main(argv) {
  const [command, ...rest] = argv;
  const json = rest.includes('--json');
  const names = rest.filter((arg) => !arg.startsWith('--'));
  const stack = createStack();
  switch (command) {
    case 'up':
      await stack.up(names);
      log(`environment written to ${stack.envFile}`);
      return 0;
    case 'down':
      await stack.down(names);
      return 0;
    case 'start':
    case 'stop':
      if (names.length !== 1) {
        throw new Error(`usage: stack.mjs ${command} <${PARTS.join('|')}>`);
      }
      await stack[command](names[0]);
      return 0;
    case 'status': {
      const rows = await stack.status(names);
      if (json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        for (const row of rows) {
          const state = row.answering ? 'up' : row.pid ? 'not answering' : 'down';
          process.stdout.write(
            `${row.name.padEnd(8)} ${state.padEnd(14)} pid ${String(row.pid ?? '-').padEnd(8)} ${row.description}\n`,
          );
        }
      }
      return rows.every((row) => row.answering) ? 0 : 1;
    }
    case 'env': {
      const vars = stack.env();
      process.stdout.write(
        json
          ? `${JSON.stringify(vars, null, 2)}\n`
          : Object.entries(vars)
              .map(([k, v]) => `${k}=${v}\n`)
              .join(''),
      );
      return 0;
    }
    default:
      process.stderr.write(
        `usage: node deploy/local/stack.mjs <command>\n` +
          `  up [part...]      start what is not answering, wait for all, write stack.env\n` +
          `  down [part...]    stop the parts this stack started\n` +
          `  status [--json]   pid, health and address of each part (exit 1 if any is down)\n` +
          `  start <part>      start one part\n` +
          `  stop <part>       stop one part\n` +
          `  env [--json]      print DATABASE_URL, KAFKA_BROKERS, S3_*, RPC_URL, RPC_WS_URL, CHAIN_ID\n` +
          `parts: ${PARTS.join(', ')}\n`,
      );
      return command ? 2 : 0;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`[stack] ${err.message}\n`);
      process.exit(1);
    },
  );
}
