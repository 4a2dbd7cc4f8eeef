// Answering a survey from its email (web/routes/survey-links.ts serves the pages): which invite a signed link names,
// whether it is still open, and recording the answer through recordResponse (channel email).
import type pg from 'pg';
import { pgSql } from '../db/sql.js';
import { linkSignatureValid } from '../email/links.js';
import { emailLocale, type EmailLocale } from '../email/messages/index.js';
import type { Programs } from '../loyalty/program.js';
import { surveyById, type SurveyRow } from './invites.js';
import { recordResponse } from './responses.js';
import { periodAt } from './types.js';

export interface EmailAnswerDeps {
  pool: pg.Pool;
  programs: Pick<Programs, 'get'>;
  /** The app secret the links are signed with (web/email/links.ts derives their key). */
  secret: string;
}

export interface LinkedInvite {
  id: string;
  shop: string;
  surveyId: string;
  memberId: string;
  period: number;
  orderId: string | null;
  locale: string | null;
  shopName: string | null;
}

export type OpenInvite =
  | { invite: LinkedInvite; survey: SurveyRow; locale: EmailLocale }
  /** 400: not Tally's link (or no such invite); 410: the survey closed or the invite's period is over. */
  | { status: 400 | 410; locale: EmailLocale };

/** The invite a link names when its signature is Tally's (over `score`, or the page's over none) and it is still open. */
export async function openInvite(
  deps: EmailAnswerDeps,
  inviteId: unknown,
  score: number | null,
  sig: unknown,
  now: Date,
): Promise<OpenInvite> {
  if (typeof inviteId !== 'string' || inviteId.length > 100) return { status: 400, locale: 'en' };
  const sql = pgSql(deps.pool);
  const [invite] = await sql.$queryRaw<LinkedInvite[]>`
    SELECT i.id, i.shop, i."surveyId", i."memberId", i.period, i."orderId", m.locale, s.name AS "shopName"
    FROM "SurveyInvite" i JOIN "Member" m ON m.id = i."memberId" AND m.shop = i.shop LEFT JOIN "Shop" s ON s.domain = i.shop
    WHERE i.id = ${inviteId}`;
  // The same answer for an unknown invite and a wrong signature: nothing tells a guesser which ids exist.
  if (!invite || !linkSignatureValid(['survey', invite.shop, invite.id, score === null ? '' : String(score)], sig, deps.secret))
    return { status: 400, locale: 'en' };
  const locale = emailLocale(invite.locale);
  const survey = await surveyById(sql, invite.shop, invite.surveyId);
  if (!survey || survey.status !== 'active' || periodAt(survey, now) !== invite.period) return { status: 410, locale };
  return { invite, survey, locale };
}

/**
 * Records the member's answer to the invite (recordResponse: validated, replacing the period's earlier one, points
 * once; throws its HttpError) and returns the answer as stored with the points this period's answer earned.
 */
export async function answerByEmail(
  deps: EmailAnswerDeps,
  open: { invite: LinkedInvite; survey: SurveyRow },
  answers: Record<string, unknown>,
  comment: string,
  now: Date,
): Promise<{ answers: Record<string, number>; pointsAwarded: number }> {
  await recordResponse(deps, {
    shop: open.invite.shop,
    surveyId: open.survey.id,
    respondent: { memberId: open.invite.memberId },
    answers,
    comment,
    channel: 'email',
    orderId: open.invite.orderId,
    now,
  });
  // The first answer's points stay on the row when it is changed: the page says what answering earned.
  const [saved] = await pgSql(deps.pool).$queryRaw<Array<{ pointsAwarded: number; answers: Record<string, number> }>>`
    SELECT "pointsAwarded", answers FROM "SurveyResponse"
    WHERE "surveyId" = ${open.survey.id} AND respondent = ${`member:${open.invite.memberId}`} AND period = ${open.invite.period}`;
  return { answers: saved?.answers ?? {}, pointsAwarded: Number(saved?.pointsAwarded ?? 0) };
}
