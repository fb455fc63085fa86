// `npm run bench [-- <figure or group>...]`: measures each figure against its raw baseline on the local
// stack, prints a table, writes bench/results/latest.json and appends to bench/results/history.jsonl.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { BENCHES } from './benches';
import { type Bench, reason } from './lib/bench';
import { FIGURES, type FigureRecord, type Measurement, notMeasured, toRecord } from './lib/figures';
import { gitSha, machine } from './lib/machine';
import { type BenchReport, printTable, writeResults } from './lib/report';
import { bringUpStack } from './lib/stack';

/** The whole bench must stay under 15 minutes; a bench overrunning its budget by this factor is abandoned. */
const HARD_CAP_FACTOR = 1.5;

function selected(filter: string[]): Bench[] {
  if (filter.length === 0) {
    return [...BENCHES];
  }
  const picked = BENCHES.filter((b) => filter.some((f) => b.group === f || b.figures.some((n) => n.startsWith(f))));
  if (picked.length === 0) {
    const names = BENCHES.flatMap((b) => [b.group, ...b.figures]);
    throw new Error(`no figure matches ${filter.join(' ')}; known: ${[...new Set(names)].join(', ')}`);
  }
  return picked;
}

async function runOne(bench: Bench, env: Record<string, string>, runId: string): Promise<Measurement[]> {
  const log = (message: string) => process.stderr.write(`[${bench.group}] ${message}\n`);
  const capMs = bench.budgetMs * HARD_CAP_FACTOR;
  let timer: NodeJS.Timeout | undefined;
  const t0 = performance.now();
  try {
    await bench.prepare?.({ env, budgetMs: bench.budgetMs, runId, log });
    const cap = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`exceeded its time cap of ${Math.round(capMs / 1000)} s`)), capMs);
    });
    const got = await Promise.race([bench.run({ env, budgetMs: bench.budgetMs, runId, log }), cap]);
    log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const missing = bench.figures.filter((name) => !got.some((m) => m.name === name));
    return [...got, ...missing.map((name) => notMeasured(name, 'the bench did not report it'))];
  } catch (error) {
    log(`failed: ${reason(error)}`);
    return bench.figures.map((name) => notMeasured(name, `${bench.group} bench failed: ${reason(error)}`));
  } finally {
    clearTimeout(timer);
  }
}

/** Table order: the figures first, then any extra detail figures in the order benches reported them. */
function ordered(records: FigureRecord[]): FigureRecord[] {
  const rank = (name: string) => {
    const i = FIGURES.findIndex((f) => f.name === name);
    return i === -1 ? FIGURES.length : i;
  };
  return records
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r.name) - rank(b.r.name) || a.i - b.i)
    .map((x) => x.r);
}

async function main(): Promise<void> {
  const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const benches = selected(filter);
  const started = performance.now();
  const env = bringUpStack();
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const measurements: Measurement[] = [];
  for (const bench of benches) {
    process.stderr.write(`[${bench.group}] starting (budget ${bench.budgetMs / 1000} s)\n`);
    measurements.push(...(await runOne(bench, env, runId)));
  }
  const report: BenchReport = {
    machine: machine(),
    date: new Date().toISOString(),
    sha: gitSha(),
    filter,
    durationS: (performance.now() - started) / 1000,
    figures: ordered(measurements.map(toRecord)),
  };
  process.stdout.write(`\n${printTable(report)}\n`);
  const written = await writeResults(report);
  process.stdout.write(`\nresults: ${written ?? 'history.jsonl only (filtered run)'}\n`);
}

main().then(
  // Clients of abandoned benches may still hold sockets open; the results are written, so leave.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
