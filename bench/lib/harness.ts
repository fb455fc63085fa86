import { performance } from 'node:perf_hooks';
import { summarize, type Summary } from './stats';

export interface RunPlan {
  /** Untimed runs first: JIT, connection pools, page cache and S3 buffers warm up. */
  warmup: number;
  /** Timed runs of each side (at most). */
  runs: number;
  /** Stop adding runs once this much time is spent (at least one timed run of each side still happens). */
  budgetMs: number;
  /** Fewest timed runs before the budget may cut the series short. */
  minRuns?: number;
}

/** One run's measurement in the figure's unit (MB/s, events/s, ms...). */
export type Sample = () => Promise<number>;

export interface Paired {
  candidate: Summary;
  baseline: Summary;
}

/**
 * Runs candidate and baseline alternately (A B A B ...), so slow drift of a shared machine (other
 * processes, thermal, page cache) lands on both sides instead of biasing whichever ran second.
 */
export async function paired(plan: RunPlan, candidate: Sample, baseline: Sample): Promise<Paired> {
  for (let i = 0; i < plan.warmup; i++) {
    await candidate();
    await baseline();
  }
  const start = performance.now();
  const a: number[] = [];
  const b: number[] = [];
  const minRuns = Math.max(1, plan.minRuns ?? 1);
  for (let i = 0; i < plan.runs; i++) {
    // Alternate which side goes first, so neither always runs on a freshly idle machine.
    if (i % 2 === 0) {
      a.push(await candidate());
      b.push(await baseline());
    } else {
      b.push(await baseline());
      a.push(await candidate());
    }
    if (i + 1 >= minRuns && performance.now() - start > plan.budgetMs) {
      break;
    }
  }
  return { candidate: summarize(a), baseline: summarize(b) };
}

/** Times one async call in milliseconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
