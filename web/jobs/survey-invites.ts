// Surveys' scheduled triggers (web/surveys/invites.ts), hourly: after_fulfilment (N days after the order was paid) and
// every_months (active members once every N months), then the survey_invite emails of every email invite not yet
// recorded — those of a manual send too, which sends this job ({ shop }) at once. Every step is idempotent: the
// invite's unique key and the email's cause keep a re-run, a retry or two workers from asking anyone twice.
import type pg from 'pg';
import { pgSql } from '../db/sql.js';
import type { MailSetup } from '../email/sender.js';
import { activeSurveys, emailPendingInvites, inviteActiveMembers, inviteAfterFulfilment } from '../surveys/invites.js';
import { isolated, reportFailures, type Failure } from './batch.js';
import type { JobDeps } from './deps.js';

export interface SurveyInvitesResult {
  /** Invites made by after_fulfilment and every_months. */
  invited: number;
  queued: number;
  suppressed: number;
  failures: Failure[];
}

/** Runs the scheduled triggers at `now` (for `shop`, or every shop), then records the pending invite emails. */
export async function surveyInvites(
  deps: { pool: pg.Pool; mail: MailSetup | null | undefined },
  options: { now?: Date; shop?: string | null; triggers?: boolean } = {},
): Promise<SurveyInvitesResult> {
  const sql = pgSql(deps.pool);
  const now = options.now ?? new Date();
  const result: SurveyInvitesResult = { invited: 0, queued: 0, suppressed: 0, failures: [] };
  if (options.triggers !== false) {
    for (const survey of await activeSurveys(sql, options.shop ?? null, 'after_fulfilment'))
      await isolated(result.failures, survey.shop, survey.id, async () => {
        result.invited += await inviteAfterFulfilment(sql, survey, now);
      });
    for (const survey of await activeSurveys(sql, options.shop ?? null, 'every_months'))
      await isolated(result.failures, survey.shop, survey.id, async () => {
        result.invited += await inviteActiveMembers(sql, survey, now);
      });
  }
  // No SMTP configured: the invites stand (the widget may show them), no email is recorded.
  if (deps.mail) {
    const emailed = await emailPendingInvites(deps.pool, deps.mail, { shop: options.shop ?? null, now });
    result.queued = emailed.queued;
    result.suppressed = emailed.suppressed;
  }
  return result;
}

export async function surveyInvitesJob(data: { shop?: string; emailsOnly?: boolean }, deps: JobDeps): Promise<void> {
  if (!deps.pool) return;
  const result = await surveyInvites({ pool: deps.pool, mail: deps.mail }, { shop: data.shop ?? null, triggers: !data.emailsOnly });
  if (result.invited + result.queued + result.suppressed > 0) deps.logger.info({ ...result, failures: undefined }, 'survey invites');
  reportFailures('survey-invites', result.failures, deps.logger);
}
