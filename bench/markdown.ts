// Prints bench/results/latest.json as the markdown table docs/BENCHMARKS.md carries: `npx tsx bench/markdown.ts`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type BenchReport, RESULTS_DIR, TABLE_HEADER, tableRows } from './lib/report';

const report = JSON.parse(readFileSync(path.join(RESULTS_DIR, 'latest.json'), 'utf8')) as BenchReport;
const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
const m = report.machine;
process.stdout.write(
  [
    row(TABLE_HEADER),
    row(TABLE_HEADER.map(() => '---')),
    ...tableRows(report.figures).map(row),
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, node ${m.node}, load average at the end ${m.loadAvg.join(' / ')}.`,
    `Run: ${report.date}, sha ${report.sha}, ${report.durationS.toFixed(0)} s.`,
    '',
  ].join('\n'),
);
