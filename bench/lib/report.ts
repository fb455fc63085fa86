import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'prettier';
import type { FigureRecord } from './figures';
import type { Machine } from './machine';
import { ROOT } from './stack';

export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

export interface BenchReport {
  machine: Machine;
  date: string;
  sha: string;
  /** The CLI filter of this run; empty for a full run. */
  filter: string[];
  durationS: number;
  figures: FigureRecord[];
}

function fmt(n: number | null): string {
  if (n === null) {
    return '—';
  }
  const abs = Math.abs(n);
  if (abs >= 1000) {
    return Math.round(n).toLocaleString('en-US');
  }
  return abs >= 100 ? n.toFixed(0) : abs >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function spreadText(f: FigureRecord): string {
  if (!f.spread || f.spread.runs < 2) {
    return f.spread ? `n=${f.spread.runs}` : '';
  }
  return `${fmt(f.spread.min)}–${fmt(f.spread.max)} n=${f.spread.runs}`;
}

function metText(f: FigureRecord): string {
  if (f.value === null) {
    return 'not measured';
  }
  return f.met === null ? '' : f.met ? 'yes' : 'NO';
}

/** Rows of the result table; shared by the console output and docs/BENCHMARKS.md. */
export function tableRows(figures: readonly FigureRecord[]): string[][] {
  return figures.map((f) => [
    f.name,
    f.value === null ? 'not measured' : `${fmt(f.value)} ${f.unit}`,
    spreadText(f),
    f.baseline === null ? (f.value === null ? '' : '—') : `${fmt(f.baseline)} (${f.baselineLabel})`,
    f.ratio === null ? '' : `${f.ratio.toFixed(2)}×`,
    f.target,
    metText(f),
  ]);
}

export const TABLE_HEADER = ['figure', 'value', 'range (min–max, runs)', 'baseline', 'ratio', 'target', 'met'];

export function printTable(report: BenchReport): string {
  const rows = [TABLE_HEADER, ...tableRows(report.figures)];
  const widths = TABLE_HEADER.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  const notes = report.figures.filter((f) => f.note).map((f) => `  ${f.name}: ${f.note}`);
  if (notes.length > 0) {
    out.push('', 'notes:', ...notes);
  }
  const m = report.machine;
  out.push(
    '',
    `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, node ${m.node}, load ${m.loadAvg.join(' ')}`,
    `${report.date}  sha ${report.sha}  ${report.durationS.toFixed(0)} s`,
  );
  return out.join('\n');
}

/**
 * Appends one line to history.jsonl and, for a full run only, rewrites latest.json (a filtered run would
 * leave latest.json without most figures). Returns latest.json's path when it was written.
 */
export async function writeResults(report: BenchReport): Promise<string | undefined> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  appendFileSync(path.join(RESULTS_DIR, 'history.jsonl'), `${JSON.stringify(report)}\n`);
  if (report.filter.length > 0) {
    return undefined;
  }
  const latest = path.join(RESULTS_DIR, 'latest.json');
  // Formatted as the repository's Prettier would, so `npm run format` leaves the committed file alone.
  writeFileSync(latest, await format(JSON.stringify(report), { parser: 'json', printWidth: 120 }));
  return latest;
}
