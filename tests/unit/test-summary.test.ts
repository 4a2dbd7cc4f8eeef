// `npm test`'s closing lines: skipped tests counted per suite and in total,
// and the plain `N passed, N failed` line last, which .ci/run's reader expects.
import { describe, expect, it } from 'vitest';
import { suiteNotRun, suiteResult, summaryLines } from '../../scripts/lib/test-summary.js';

describe('npm test summary', () => {
  it('counts skipped tests per suite and in total, and ends with the plain line CI reads', () => {
    const lines = summaryLines(
      [
        suiteResult('unit', { numPassedTests: 500, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 }, 0),
        suiteResult('integration on PGlite', { numPassedTests: 290, numFailedTests: 1, numPendingTests: 3, numTodoTests: 1 }, 1),
      ],
      false,
    );
    expect(lines).toEqual([
      'unit: 500 passed, 0 failed, 0 skipped',
      'integration on PGlite: 290 passed, 1 failed, 4 skipped (vitest exit 1)',
      '790 passed, 1 failed, 4 skipped',
      '790 passed, 1 failed',
    ]);
  });

  it('says which suites did not run, a failure under CI only', () => {
    const missing = 'PostgreSQL at postgresql://postgres@127.0.0.1:5432/postgres is not reachable (connect ECONNREFUSED)';
    const unit = suiteResult('unit', { numPassedTests: 10, numPendingTests: 2 }, 0);
    expect(summaryLines([unit, suiteNotRun('integration on PostgreSQL', missing, false)], false)).toEqual([
      'unit: 10 passed, 0 failed, 2 skipped',
      `integration on PostgreSQL: not run — ${missing}`,
      '10 passed, 0 failed, 2 skipped; 1 suite not run',
      '10 passed, 0 failed',
    ]);
    expect(summaryLines([unit, suiteNotRun('integration on PostgreSQL', missing, true)], true).slice(-3)).toEqual([
      `integration on PostgreSQL: FAILED — ${missing}`,
      '10 passed, 1 failed, 2 skipped; 1 suite not run',
      '10 passed, 1 failed',
    ]);
  });

  it('names each failed test under its suite with its error’s first lines, so the log’s tail says which and why', () => {
    const report = {
      numPassedTests: 1,
      numFailedTests: 1,
      testResults: [
        {
          name: '/tmp/ci/tests/integration/emails.test.ts',
          assertionResults: [
            { fullName: 'emails sends one tier_up', status: 'passed' },
            {
              fullName: 'emails stops the next reminder after unsubscribe',
              status: 'failed',
              failureMessages: [
                '\u001b[31mAssertionError: expected 2 to be 1\u001b[39m\n\n- Expected\n+ Received\n    at Object.<anonymous> (emails.test.ts:9:3)',
              ],
            },
          ],
        },
      ],
    };
    expect(summaryLines([suiteResult('integration on PostgreSQL', report, 1)], true)).toEqual([
      'integration on PostgreSQL: 1 passed, 1 failed, 0 skipped (vitest exit 1)',
      '  failed: tests/integration/emails.test.ts › emails stops the next reminder after unsubscribe\n      AssertionError: expected 2 to be 1 / - Expected / + Received',
      '1 passed, 1 failed, 0 skipped',
      '1 passed, 1 failed',
    ]);
  });

  it('never counts a crashed or empty suite as a pass', () => {
    expect(suiteResult('e2e', null, 1)).toMatchObject({ passed: 0, failed: 2 });
    expect(suiteResult('e2e', { numPassedTests: 0, numFailedTests: 0 }, 0)).toMatchObject({ failed: 1 });
    expect(suiteResult('e2e', { numPassedTests: 4, numFailedTests: 0 }, 1)).toMatchObject({ passed: 4, failed: 1 });
  });
});
