// What an email subscriber does with its event: record the message for the
// member (once per cause) and make its first attempt at once. Every later
// attempt is the send job's (web/jobs/send-emails.ts).
import type { AfterCommitContext } from '../events/subscriber.js';
import { deliverEmail } from './sender.js';
import { recordEmail, type EmailRequest } from './sends.js';

export async function emailMember(ctx: AfterCommitContext, request: EmailRequest): Promise<void> {
  // No SMTP server configured (and no development catcher): Tally sends no email and records none.
  if (!ctx.mail) return;
  const recorded = await recordEmail(ctx.sql, request);
  if (typeof recorded === 'string' || recorded.status !== 'queued') return;
  await deliverEmail({ pool: ctx.pool, mail: ctx.mail, logger: ctx.logger }, recorded.id);
}
