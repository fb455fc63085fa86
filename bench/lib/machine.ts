import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { ROOT } from './stack';

export interface Machine {
  host: string;
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  loadAvg: number[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    host: os.hostname(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    // Other work on a shared machine shows here; figures taken under high load are less comparable.
    loadAvg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** HEAD's sha, with "-dirty" when the tree has uncommitted changes; "unknown" outside a git checkout. */
export function gitSha(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
}
