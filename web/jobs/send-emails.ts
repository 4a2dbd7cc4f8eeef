// Sends shopper emails that are due: retries after a temporary SMTP failure,
// and settles rows a stopped worker left mid-send (web/email/sender.ts).
import { sendDueEmails } from '../email/sender.js';
import type { JobDeps } from './deps.js';

export async function sendEmailsJob(_data: object, deps: JobDeps): Promise<void> {
  if (!deps.mail || !deps.pool) return;
  const result = await sendDueEmails({ pool: deps.pool, mail: deps.mail, logger: deps.logger });
  if (result.reconciled + result.sent + result.retry + result.bounced + result.failed > 0) deps.logger.info(result, 'emails sent');
}
