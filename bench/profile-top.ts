// Prints the hottest functions of a V8 .cpuprofile (from `node --cpu-prof`) by self time, to see what limits
// a figure: `npx tsx bench/profile-top.ts <file.cpuprofile> [count]`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/stack';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function main(): void {
  const [file, countArg] = process.argv.slice(2);
  if (!file) {
    throw new Error('usage: profile-top <file.cpuprofile> [count]');
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    if (!node) {
      return;
    }
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${path.relative(ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    selfMs.set(key, (selfMs.get(key) ?? 0) + ms);
  });
  const top = [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 25));
  process.stdout.write(`total ${(totalMs / 1000).toFixed(1)} s sampled\n`);
  for (const [name, ms] of top) {
    process.stdout.write(
      `${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${name}\n`,
    );
  }
}

main();
