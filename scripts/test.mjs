#!/usr/bin/env node
// `npm test`: everything from a fresh checkout. Installs when needed, brings the local stack up, builds
// the contracts and services, lints, type-checks, then runs jest (unit + integration + e2e).
// `npm test -- <jest args>` (a path, -t name, --selectProjects unit) brings the stack up and builds the same
// way (integration suites run the built services), then runs jest with those arguments; lint and typecheck
// are skipped there unless TESSERA_TEST_FULL=1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closingLine, summarize } from './lib/jest-summary.mjs';
import { ROOT, ensureChromium, ensureInstalled, exec, npm, packageScripts, say, step } from './lib/workspace.mjs';

const jestArgs = process.argv.slice(2);
const full = jestArgs.length === 0 || process.env.TESSERA_TEST_FULL === '1';
const results = [];

async function main() {
  await ensureInstalled();
  // Imported only now: the stack talks to its parts through packages from node_modules.
  const { up } = await import('../deploy/local/stack.mjs');
  const stackUp = await step(results, 'local stack up', async () => {
    await up();
    return true;
  });
  if (!stackUp) {
    process.stderr.write('the local stack did not come up; see the messages above and the logs it names\n');
    return 1;
  }

  const scripts = packageScripts();
  if (scripts['contracts:build']) {
    await step(results, 'npm run contracts:build', async () => (await npm(['run', '-s', 'contracts:build'])) === 0);
  }
  await step(results, 'npm run build', async () => (await npm(['run', '-s', 'build'])) === 0);
  if (full) {
    await step(results, 'npm run lint', async () => (await npm(['run', '-s', 'lint'])) === 0);
    await step(results, 'npm run typecheck', async () => (await npm(['run', '-s', 'typecheck'])) === 0);
  }

  await step(results, 'chromium for the Swagger UI test', ensureChromium);

  const reportFile = path.join(os.tmpdir(), `tessera-jest-${process.pid}.json`);
  let summary = null;
  await step(results, `jest ${jestArgs.join(' ')}`.trim(), async () => {
    const jest = path.join(ROOT, 'node_modules', '.bin', 'jest');
    // --forceExit: a client left open by one suite must not keep CI waiting until its time limit.
    const code = await exec(jest, ['--json', `--outputFile=${reportFile}`, '--forceExit', ...jestArgs]);
    summary = summarize(reportFile);
    fs.rmSync(reportFile, { force: true });
    return code === 0 && summary !== null && summary.failed === 0;
  });

  say('summary');
  for (const { name, ok, seconds } of results) {
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'}  ${name} (${seconds.toFixed(1)} s)\n`);
  }
  if (summary === null) {
    process.stdout.write('jest wrote no report (it failed before running tests)\n');
    return 1;
  }
  if (summary.brokenSuites > 0) {
    process.stdout.write(`${summary.brokenSuites} test suite(s) failed to run; each counts as one failure\n`);
  }
  process.stdout.write(`${closingLine(summary)}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`npm test: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
