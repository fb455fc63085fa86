// Reads jest's --json report and states the outcome as one plain line: "N passed, N failed[, N skipped]".
import fs from 'node:fs';

export function summarize(reportFile) {
  if (!fs.existsSync(reportFile)) {
    return null;
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  // A suite that fails to load (syntax error, failing beforeAll import) has no test results of its own;
  // it counts as one failure so that it can never hide behind "0 failed".
  const brokenSuites = report.numRuntimeErrorTestSuites ?? 0;
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + brokenSuites,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    brokenSuites,
    success: report.success === true,
  };
}

export function closingLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}
