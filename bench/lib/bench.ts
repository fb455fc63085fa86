import type { Measurement } from './figures';

export interface BenchContext {
  /** The local stack's variables (DATABASE_URL, KAFKA_BROKERS, S3_*, RPC_URL...). */
  env: Record<string, string>;
  /** This bench's share of the run time; it should plan its runs to finish within it. */
  budgetMs: number;
  /** Unique per invocation, for throwaway schemas, topics, groups and object keys. */
  runId: string;
  log: (message: string) => void;
}

/** One bench measures one or more figures that share set-up (a stack part, a data set). */
export interface Bench {
  group: string;
  /** The figures it reports; each one missing from the result is reported as not measured. */
  figures: readonly string[];
  budgetMs: number;
  /**
   * One-off preparation whose result outlives the run (a seeded data set kept for later runs); it is not
   * held to the bench's budget, since it costs nothing on later runs.
   */
  prepare?(ctx: BenchContext): Promise<void>;
  run(ctx: BenchContext): Promise<Measurement[]>;
}

/** The message of anything thrown, on one line. */
export function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 300);
}
