/** Order statistics over repeated runs; the median is the reported value, min/max and IQR its spread. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  runs: number;
}

/** Linear-interpolated percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) {
    throw new Error('percentile of no samples');
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function summarize(samples: readonly number[]): Summary {
  return {
    median: percentile(samples, 50),
    min: Math.min(...samples),
    max: Math.max(...samples),
    q1: percentile(samples, 25),
    q3: percentile(samples, 75),
    runs: samples.length,
  };
}

/** Bytes per second → MB/s with MB = 10^6 bytes, as disk and network figures are usually quoted. */
export function mbps(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}
