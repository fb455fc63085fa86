import type { Summary } from './stats';

/**
 * How a figure is judged. `ratio`: value/baseline at least `min` (throughput against its raw baseline).
 * `atLeast` / `atMost`: an absolute bound on the value. `overhead`: value − baseline at most `max`.
 */
export type Target =
  | { kind: 'ratio'; min: number }
  | { kind: 'atLeast'; value: number }
  | { kind: 'atMost'; value: number }
  | { kind: 'overhead'; max: number }
  | { kind: 'report' };

/** The catalogue of figures `npm run bench` reports, in table order. */
export interface FigureSpec {
  name: string;
  unit: string;
  /** What the baseline is, in words. */
  baseline: string;
  target: Target;
  /** The bench (figure group) that measures it; the CLI filter matches either name. */
  group: string;
}

export const FIGURES: readonly FigureSpec[] = [
  { name: 'seal_mbps', unit: 'MB/s', group: 'seal', baseline: 'raw putObject', target: { kind: 'ratio', min: 0.7 } },
  {
    name: 'encrypt_hash_mbps',
    unit: 'MB/s',
    group: 'encrypt_hash',
    baseline: 'node aes-256-gcm + sha256',
    target: { kind: 'ratio', min: 0.8 },
  },
  {
    name: 'download_mbps',
    unit: 'MB/s',
    group: 'download',
    baseline: 'raw getObject',
    target: { kind: 'ratio', min: 0.6 },
  },
  { name: 'search_p50_ms', unit: 'ms', group: 'search', baseline: 'same SQL direct', target: { kind: 'report' } },
  {
    name: 'search_p99_ms',
    unit: 'ms',
    group: 'search',
    baseline: 'same SQL direct',
    target: { kind: 'atMost', value: 25 },
  },
  {
    name: 'indexer_backfill_eps',
    unit: 'events/s',
    group: 'indexer',
    baseline: 'raw eth_getLogs, plain fetch',
    target: { kind: 'atLeast', value: 5000 },
  },
  {
    name: 'events_eps',
    unit: 'events/s',
    group: 'events',
    baseline: 'kafkajs producer → consumer',
    target: { kind: 'atLeast', value: 5000 },
  },
  {
    name: 'events_p99_ms',
    unit: 'ms',
    group: 'events',
    baseline: 'kafkajs producer → consumer',
    target: { kind: 'atMost', value: 200 },
  },
  {
    name: 'key_release_p99_ms',
    unit: 'ms',
    group: 'key_release',
    baseline: 'bare authenticated GET',
    target: { kind: 'atMost', value: 50 },
  },
  {
    name: 'purchase_to_key_ms',
    unit: 'ms',
    group: 'purchase_to_key',
    // The indexer counts the purchase's own block as its first confirmation: the chain is final N − 1 blocks later.
    baseline: '(confirmations − 1) × block time',
    target: { kind: 'overhead', max: 300 },
  },
  { name: 'gas_purchase', unit: 'gas', group: 'gas', baseline: '—', target: { kind: 'report' } },
  { name: 'gas_bundle', unit: 'gas', group: 'gas', baseline: '—', target: { kind: 'report' } },
];

/** What a bench hands back for one figure. `value: null` means it was not measured, and `note` says why. */
export interface Measurement {
  name: string;
  value: number | null;
  baseline?: number | null;
  spread?: Summary;
  baselineSpread?: Summary;
  note?: string;
  /** For figures that are not in FIGURES (extra detail a bench chooses to report). */
  unit?: string;
  baselineLabel?: string;
  target?: Target;
}

/** A figure as written to latest.json. */
export interface FigureRecord {
  name: string;
  value: number | null;
  unit: string;
  baseline: number | null;
  baselineLabel: string;
  /** value / baseline. */
  ratio: number | null;
  target: string;
  /** null when the figure was not measured or has nothing to meet. */
  met: boolean | null;
  spread?: Summary;
  baselineSpread?: Summary;
  note?: string;
}

export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'ratio':
      return `≥${target.min}× baseline`;
    case 'atLeast':
      return `≥${target.value.toLocaleString('en-US')}`;
    case 'atMost':
      return `≤${target.value}`;
    case 'overhead':
      return `≤ baseline + ${target.max}`;
    case 'report':
      return 'report';
  }
}

function judge(target: Target, value: number | null, baseline: number | null, ratio: number | null): boolean | null {
  if (value === null) {
    return null;
  }
  switch (target.kind) {
    case 'ratio':
      return ratio === null ? null : ratio >= target.min;
    case 'atLeast':
      return value >= target.value;
    case 'atMost':
      return value <= target.value;
    case 'overhead':
      return baseline === null ? null : value - baseline <= target.max;
    case 'report':
      return null;
  }
}

export function toRecord(m: Measurement): FigureRecord {
  const spec = FIGURES.find((f) => f.name === m.name);
  const target = spec?.target ?? m.target ?? { kind: 'report' };
  const baseline = m.baseline ?? null;
  const ratio = m.value !== null && baseline !== null && baseline !== 0 ? m.value / baseline : null;
  return {
    name: m.name,
    value: m.value,
    unit: spec?.unit ?? m.unit ?? '',
    baseline,
    baselineLabel: spec?.baseline ?? m.baselineLabel ?? '—',
    ratio,
    target: describeTarget(target),
    met: judge(target, m.value, baseline, ratio),
    spread: m.spread,
    baselineSpread: m.baselineSpread,
    note: m.note,
  };
}

/** A figure its bench could not measure, with the reason (never a guessed number). */
export function notMeasured(name: string, note: string): Measurement {
  return { name, value: null, note };
}
