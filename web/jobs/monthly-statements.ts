// The monthly statement (web/email/statement.ts): hourly, so each shop's first day of the month is caught in its own
// time zone; starts that month's run for shops that switched the statement on, and continues any run a stopped
// process left (from its cursor). The send-emails job hands the recorded rows to SMTP.
import { monthlyStatements } from '../email/statement.js';
import type { JobDeps } from './deps.js';

export async function monthlyStatementsJob(_data: object, deps: JobDeps): Promise<void> {
  if (!deps.mail || !deps.pool) return;
  const results = await monthlyStatements({ pool: deps.pool, programs: deps.programs });
  if (results.length > 0) deps.logger.info({ runs: results }, 'monthly statements recorded');
}
