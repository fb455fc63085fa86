// Process helpers for the local stack: pid files, daemons, readiness polling, a cross-process lock.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function log(message) {
  process.stdout.write(`[stack] ${message}\n`);
}

export function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means the process exists but belongs to someone else.
    return err.code === 'EPERM';
  }
}

/** The argv of a live process, or null. Zombies have an empty cmdline and count as gone. */
export function commandLine(pid) {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const argv = raw.split('\0').filter(Boolean);
    return argv.length > 0 ? argv : null;
  } catch {
    if (fs.existsSync('/proc/self')) {
      return null;
    }
  }
  // No procfs (macOS): ps gives the command line, split on spaces, which is enough to recognise ours.
  try {
    const line = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return line ? line.split(/\s+/) : null;
  } catch {
    return null;
  }
}

export function readPidFile(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').split('\n')[0].trim(), 10);
    return Number.isInteger(pid) ? pid : null;
  } catch {
    return null;
  }
}

export function writePidFile(file, pid) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${pid}\n`);
}

/**
 * The pid recorded in a pid file if that process is alive AND its command line is ours.
 * A pid reused by an unrelated process must never count as a running part.
 */
export function ownedPid(file, isOurs) {
  const pid = readPidFile(file);
  if (pid === null || !isAlive(pid)) {
    return null;
  }
  const argv = commandLine(pid);
  return argv !== null && isOurs(argv) ? pid : null;
}

/** Starts a long-running process in its own session, its output appended to logFile. */
export function spawnDaemon(command, args, { logFile, env = process.env, cwd, uid, gid }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  // Logs are appended across restarts; past 50 MB the old part moves aside, keeping one generation.
  if (fs.existsSync(logFile) && fs.statSync(logFile).size > 50 * 1024 * 1024) {
    fs.renameSync(logFile, `${logFile}.1`);
  }
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `\n=== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env, cwd, uid, gid });
    const exited = { code: null, signal: null, done: false, error: null };
    child.on('exit', (code, signal) => Object.assign(exited, { code, signal, done: true }));
    child.on('error', (error) => Object.assign(exited, { error, done: true }));
    child.unref();
    return { pid: child.pid, exited };
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs a command to completion. Output goes to logFile when given, otherwise it is captured. */
export function run(command, args, { env = process.env, cwd, logFile, timeoutMs = 0, uid, gid } = {}) {
  return new Promise((resolve, reject) => {
    let fd = null;
    let stdio = ['ignore', 'pipe', 'pipe'];
    if (logFile) {
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      fd = fs.openSync(logFile, 'a');
      fs.writeSync(fd, `\n=== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
      stdio = ['ignore', fd, fd];
    }
    const child = spawn(command, args, { env, cwd, stdio, uid, gid });
    let out = '';
    child.stdout?.on('data', (chunk) => (out += chunk));
    child.stderr?.on('data', (chunk) => (out += chunk));
    const timer = timeoutMs > 0 ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : null;
    const finish = () => {
      if (timer) {
        clearTimeout(timer);
      }
      if (fd !== null) {
        fs.closeSync(fd);
        fd = null;
      }
    };
    child.on('error', (err) => {
      finish();
      reject(err);
    });
    child.on('close', (code, signal) => {
      finish();
      resolve({ code, signal, output: out });
    });
  });
}

/** Sends signal to pid (or its process group), waits for it to go, escalates to SIGKILL. */
export async function stopProcess(pid, { signal = 'SIGTERM', group = true, timeoutMs = 20000 } = {}) {
  const send = (sig) => {
    try {
      process.kill(group ? -pid : pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // Already gone.
      }
    }
  };
  send(signal);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) || commandLine(pid) === null) {
      return 'stopped';
    }
    await sleep(100);
  }
  send('SIGKILL');
  await sleep(200);
  return 'killed';
}

export async function waitFor(check, { timeoutMs, intervalMs = 250, what, abort }) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) {
        return;
      }
    } catch (err) {
      lastError = err;
    }
    const reason = abort?.();
    if (reason) {
      throw new Error(`${what}: ${reason}`);
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `${what}: not ready after ${Math.round(timeoutMs / 1000)} s${lastError ? ` (${lastError.message})` : ''}`,
  );
}

export function portInUse(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export function tail(file, lines = 25) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function which(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Keep looking.
    }
  }
  return null;
}

/**
 * Serialises stack commands across processes (two test runs starting the stack at once must not both
 * launch Kafka). The lock file holds the owner's pid, so a crashed owner never blocks anyone.
 */
export async function withLock(file, fn, { timeoutMs = 15 * 60 * 1000 } = {}) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') {
        throw err;
      }
      const owner = readPidFile(file);
      if (owner === process.pid) {
        // Re-entrant: this process already holds it.
        return fn();
      }
      if (owner === null || !isAlive(owner)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`another stack command (pid ${owner}) holds ${file}`);
      }
      if (!announced) {
        log(`waiting for another stack command (pid ${owner}) to finish`);
        announced = true;
      }
      await sleep(300);
    }
  }
  try {
    return await fn();
  } finally {
    if (readPidFile(file) === process.pid) {
      fs.rmSync(file, { force: true });
    }
  }
}
