// `npm test`'s counting: what each suite's vitest JSON report says, and the
// closing lines. The very last line stays `N passed, N failed`: CI reads it.

/** The counts of vitest's JSON report (jest's format: skipped tests are "pending"). */
export interface VitestReport {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: {
    name: string;
    assertionResults?: { fullName?: string; title?: string; status: string; failureMessages?: string[] }[];
  }[];
}

export interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Why the whole suite did not run (a missing PostgreSQL or Chromium), if it did not. */
  notRun?: string;
  exitCode?: number;
  /** The failed tests, as `file › full name` and the error's first lines, so a log's tail says which and why. */
  failures?: string[];
}

/**
 * One suite's counts. A suite that crashed (non-zero exit, no failed test
 * reported) or ran nothing counts one failure, never a pass.
 */
export function suiteResult(name: string, report: VitestReport | null, exitCode: number): SuiteResult {
  const passed = report?.numPassedTests ?? 0;
  const reportedFailures = report?.numFailedTests ?? 0;
  const failed = reportedFailures + (exitCode !== 0 && reportedFailures === 0 ? 1 : 0) + (passed === 0 ? 1 : 0);
  const skipped = (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0);
  return { name, passed, failed, skipped, exitCode, failures: failedTests(report) };
}

function failedTests(report: VitestReport | null): string[] {
  return (report?.testResults ?? []).flatMap((file) =>
    (file.assertionResults ?? [])
      .filter((test) => test.status === 'failed')
      .map((test) => `${file.name.replace(/^.*?(?=tests\/)/, '')} › ${test.fullName ?? test.title ?? ''}${why(test.failureMessages)}`),
  );
}

/** The first lines of a failure's message (CI keeps only the log's tail), stripped of colour codes. */
function why(messages: string[] | undefined): string {
  const first = (messages?.[0] ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('at '))
    .slice(0, 4)
    .join(' / ');
  return first ? `\n      ${first.slice(0, 400)}` : '';
}

/** A suite that could not run; under CI that is a failure. */
export function suiteNotRun(name: string, why: string, ci: boolean): SuiteResult {
  return { name, passed: 0, failed: ci ? 1 : 0, skipped: 0, notRun: why };
}

const counts = (r: { passed: number; failed: number; skipped: number }) => `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`;

/** A line per suite, the totals with skipped tests, then the plain `N passed, N failed` line. */
export function summaryLines(results: SuiteResult[], ci: boolean): string[] {
  const lines = results.flatMap((r) => [
    r.notRun
      ? `${r.name}: ${ci ? 'FAILED' : 'not run'} — ${r.notRun}`
      : `${r.name}: ${counts(r)}${r.exitCode ? ` (vitest exit ${r.exitCode})` : ''}`,
    ...(r.failures ?? []).map((f) => `  failed: ${f}`),
  ]);
  const total = results.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), {
    passed: 0,
    failed: 0,
    skipped: 0,
  });
  const notRun = results.filter((r) => r.notRun).length;
  lines.push(`${counts(total)}${notRun > 0 ? `; ${notRun} suite${notRun > 1 ? 's' : ''} not run` : ''}`);
  lines.push(`${total.passed} passed, ${total.failed} failed`);
  return lines;
}
