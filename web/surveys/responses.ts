// Answering surveys: which survey the widget asks a member next, and
// recording an answer — one per respondent, survey and period (the latest
// replaces the earlier), points for it once per member, survey and period
// through the ledger, the invite marked answered, and survey.answered /
// survey.detractor in the same transaction.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { transaction, type Sql } from '../db/sql.js';
import { emit } from '../events/emit.js';
import { HttpError } from '../http/errors.js';
import { creditExpiresAt } from '../loyalty/domain/program.js';
import { earn } from '../loyalty/ledger.js';
import type { Programs } from '../loyalty/program.js';
import type { Survey } from './store.js';
import {
  answerScore,
  checkAnswers,
  commentPromptIn,
  isDetractor,
  npsBand,
  periodAt,
  questionsIn,
  type Answers,
  type Question,
  type ResponseChannel,
  type SurveyType,
} from './types.js';

export type ResponseDeps = { pool: pg.Pool; programs: Pick<Programs, 'get'> };

const SURVEY_COLUMNS = `s.id, s.type, s.name, s.content, s.trigger, s."periodDays", s."pointsForAnswer", s.channels, s.status, s."createdAt", s."updatedAt"`;
/** The survey's period now, in SQL (as periodAt): $now is the placeholder of the instant. */
const periodSql = (now: string) => `floor(extract(epoch FROM (${now}::timestamp - s."createdAt")) / (s."periodDays" * 86400))::int`;

/** The survey as the shopper sees it: questions in their locale. */
export interface ShopperSurvey {
  id: string;
  type: SurveyType;
  questions: Question[];
  /** The "why" under the score (optional free text). */
  commentPrompt: string;
  pointsForAnswer: number;
}

export function shopperSurvey(survey: Survey, locale: string | null | undefined, shopName: string): ShopperSurvey {
  return {
    id: survey.id,
    type: survey.type,
    questions: questionsIn(survey, locale, shopName),
    commentPrompt: commentPromptIn(survey, locale, shopName),
    pointsForAnswer: survey.pointsForAnswer,
  };
}

/** A member of the shop (not a guest, not redacted) by their Shopify customer GID. */
export async function memberOfCustomer(
  { pool }: Pick<ResponseDeps, 'pool'>,
  shop: string,
  customerId: string,
): Promise<{ id: string; locale: string | null; shopName: string } | null> {
  const { rows } = await pool.query(
    `SELECT m.id, m.locale, s.name AS "shopName" FROM "Member" m JOIN "Shop" s ON s.domain = m.shop
     WHERE m.shop = $1 AND m."customerId" = $2 AND m."redactedAt" IS NULL`,
    [shop, customerId],
  );
  return rows[0] ?? null;
}

/**
 * The survey the widget asks the member now: active, on the widget channel, not answered by them in its current
 * period; one they were invited to in this period first, then the oldest. A survey sent to a segment (trigger
 * segmentId) is asked of that segment's members only, unless the member was invited. Null when none is due.
 */
export async function nextSurveyFor(
  deps: Pick<ResponseDeps, 'pool'>,
  shop: string,
  memberId: string,
  now = new Date(),
): Promise<Survey | null> {
  const { rows } = await deps.pool.query<Survey>(
    `SELECT ${SURVEY_COLUMNS}
     FROM "Survey" s
     LEFT JOIN "SurveyInvite" i ON i."surveyId" = s.id AND i."memberId" = $2 AND i.period = ${periodSql('$3')}
     WHERE s.shop = $1 AND s.status = 'active' AND 'widget' = ANY(s.channels)
       AND NOT EXISTS (SELECT 1 FROM "SurveyResponse" r
                       WHERE r."surveyId" = s.id AND r.respondent = 'member:' || $2 AND r.period = ${periodSql('$3')})
       AND (i.id IS NOT NULL OR s.trigger->>'segmentId' IS NULL
            OR EXISTS (SELECT 1 FROM "SegmentMember" sm WHERE sm.shop = s.shop AND sm."segmentId" = s.trigger->>'segmentId' AND sm."memberId" = $2))
     ORDER BY (i.id IS NULL), s."createdAt", s.id
     LIMIT 1`,
    [shop, memberId, now],
  );
  return rows[0] ?? null;
}

/** Who answers: a member (points, tier), or a customer who is not one (the Thank-you page: no points). */
export type Respondent = { memberId: string } | { customerId: string };

export interface ResponseInput {
  shop: string;
  surveyId: string;
  respondent: Respondent;
  /** Question key → number, checked against the survey's type (400 naming the key). */
  answers: unknown;
  comment?: string | null;
  channel: ResponseChannel;
  orderId?: string | null;
  now?: Date;
}

export interface RecordedResponse {
  response: { id: string };
  /** Points paid by this answer: 0 when it replaced one that earned them, for non-members, or with 0 points set. */
  pointsAwarded: number;
  /** True when it replaced the respondent's earlier answer in the period. */
  replaced: boolean;
  survey: Survey;
}

interface Who {
  respondent: string;
  memberId: string | null;
  customerId: string | null;
  tierId: string | null;
}

/** The respondent as stored: a member by id (or a customer who turns out to be one), else customer:<id>. */
async function resolve(sql: Sql, shop: string, r: Respondent): Promise<Who | null> {
  const members = await sql.$queryRaw<Array<{ id: string; customerId: string; tierId: string | null }>>`
    SELECT id, "customerId", "tierId" FROM "Member"
    WHERE shop = ${shop} AND "redactedAt" IS NULL AND "customerId" NOT LIKE 'guest:%'
      AND (id = ${'memberId' in r ? r.memberId : null} OR "customerId" = ${'customerId' in r ? r.customerId : null})`;
  const m = members[0];
  if (m) return { respondent: `member:${m.id}`, memberId: m.id, customerId: m.customerId, tierId: m.tierId };
  if ('memberId' in r) return null;
  return { respondent: `customer:${r.customerId}`, memberId: null, customerId: r.customerId, tierId: null };
}

const surveyNotFound = () => new HttpError(404, 'not_found', 'No such survey');

/**
 * Records an answer in one transaction. Throws HttpError: 404 when the shop has no such survey or (for a member
 * respondent) no such member, 409 survey_closed when it is paused or archived, 400 invalid_input naming the question
 * key whose answer is missing or off the scale.
 */
export async function recordResponse(deps: ResponseDeps, input: ResponseInput): Promise<RecordedResponse> {
  const now = input.now ?? new Date();
  const program = await deps.programs.get(input.shop);
  return transaction(deps.pool, async (sql) => {
    const [survey] = await sql.$queryRaw<Survey[]>`
      SELECT id, type, name, content, trigger, "periodDays", "pointsForAnswer", channels, status, "createdAt", "updatedAt"
      FROM "Survey" WHERE shop = ${input.shop} AND id = ${input.surveyId}`;
    if (!survey) throw surveyNotFound();
    const who = await resolve(sql, input.shop, input.respondent);
    if (!who) throw surveyNotFound();
    if (survey.status !== 'active') throw new HttpError(409, 'survey_closed', 'This survey is no longer open');
    const checked = checkAnswers(survey, input.answers);
    if (!checked.ok)
      throw new HttpError(400, 'invalid_input', `${checked.key}: ${checked.message}`, { [`answers.${checked.key}`]: checked.message });
    const period = periodAt(survey, now);
    const comment = input.comment?.trim() || null;
    const saved = await upsertResponse(sql, input, survey, who, period, checked.answers, comment, now);
    let pointsAwarded = 0;
    if (who.memberId && program && survey.pointsForAnswer > 0) {
      const written = await earn(sql, {
        shop: input.shop,
        memberId: who.memberId,
        points: survey.pointsForAnswer,
        source: 'SURVEY',
        sourceId: saved.id,
        reason: `survey: ${survey.name}`,
        idempotencyKey: `survey:${survey.id}:${who.memberId}:${period}`,
        expiresAt: creditExpiresAt(now, program.settings.expiry),
        createdAt: now,
      });
      if (written === 'appended') {
        pointsAwarded = survey.pointsForAnswer;
        await sql.$executeRaw`UPDATE "SurveyResponse" SET "pointsAwarded" = ${pointsAwarded} WHERE id = ${saved.id}`;
      }
    }
    if (who.memberId) await markInvited(sql, input, who.memberId, period, now);
    await emitAnswered(sql, { input, survey, who, period, answers: checked.answers, comment, saved, pointsAwarded, now });
    return { response: { id: saved.id }, pointsAwarded, replaced: !saved.inserted, survey };
  });
}

/** Inserts the answer, or replaces the respondent's answer in this period (keeping the points it earned). */
async function upsertResponse(
  sql: Sql,
  input: ResponseInput,
  survey: Survey,
  who: Who,
  period: number,
  answers: Answers,
  comment: string | null,
  now: Date,
): Promise<{ id: string; inserted: boolean; wasDetractor: boolean }> {
  const [before] = await sql.$queryRaw<Array<{ answers: Answers }>>`
    SELECT answers FROM "SurveyResponse" WHERE "surveyId" = ${survey.id} AND respondent = ${who.respondent} AND period = ${period} FOR UPDATE`;
  const [row] = await sql.$queryRaw<Array<{ id: string; inserted: boolean }>>`
    INSERT INTO "SurveyResponse" (id, shop, "surveyId", respondent, "memberId", "customerId", "orderId", period, answers, comment,
                                  channel, "isMember", "tierId", "pointsAwarded", "answeredAt", "createdAt")
    VALUES (${randomUUID()}, ${input.shop}, ${survey.id}, ${who.respondent}, ${who.memberId}, ${who.customerId}, ${input.orderId ?? null},
            ${period}, ${JSON.stringify(answers)}::jsonb, ${comment}, ${input.channel}, ${who.memberId !== null}, ${who.tierId}, 0, ${now}, ${now})
    ON CONFLICT ("surveyId", respondent, period) DO UPDATE SET
      answers = excluded.answers, comment = excluded.comment, channel = excluded.channel, "isMember" = excluded."isMember",
      "tierId" = excluded."tierId", "orderId" = COALESCE(excluded."orderId", "SurveyResponse"."orderId"),
      "answeredAt" = excluded."answeredAt", "handledAt" = NULL
    RETURNING id, (xmax = 0) AS inserted`;
  return { id: row!.id, inserted: row!.inserted, wasDetractor: before ? isDetractor(survey.type, before.answers) : false };
}

/** The member was asked (an invite, or the widget showing it) and answered in this period. */
async function markInvited(sql: Sql, input: ResponseInput, memberId: string, period: number, now: Date) {
  const channel = input.channel === 'order_status' || input.channel === 'admin' ? 'thank_you' : input.channel;
  await sql.$executeRaw`
    INSERT INTO "SurveyInvite" (id, shop, "surveyId", "memberId", period, channel, "orderId", "createdAt", "answeredAt")
    VALUES (${randomUUID()}, ${input.shop}, ${input.surveyId}, ${memberId}, ${period}, ${channel}, ${input.orderId ?? null}, ${now}, ${now})
    ON CONFLICT ("surveyId", "memberId", period) DO UPDATE SET "answeredAt" = COALESCE("SurveyInvite"."answeredAt", excluded."answeredAt")`;
}

function band(type: SurveyType, answers: Answers): string | null {
  if (type === 'nps') return npsBand(answers.nps!);
  if (type === 'csat') return answers.csat! >= 4 ? 'positive' : answers.csat! <= 2 ? 'negative' : 'neutral';
  return null;
}

async function emitAnswered(
  sql: Sql,
  a: {
    input: ResponseInput;
    survey: Survey;
    who: Who;
    period: number;
    answers: Answers;
    comment: string | null;
    saved: { id: string; inserted: boolean; wasDetractor: boolean };
    pointsAwarded: number;
    now: Date;
  },
) {
  const base = { shop: a.input.shop, memberId: a.who.memberId, cause: `survey-response:${a.saved.id}`, at: a.now };
  const score = answerScore(a.survey.type, a.answers);
  await emit(sql, {
    ...base,
    type: 'survey.answered',
    data: {
      surveyId: a.survey.id,
      responseId: a.saved.id,
      type: a.survey.type,
      channel: a.input.channel,
      period: a.period,
      answers: a.answers,
      score,
      band: band(a.survey.type, a.answers),
      hasComment: a.comment !== null,
      customerId: a.who.customerId,
      isMember: a.who.memberId !== null,
      tierId: a.who.tierId,
      pointsAwarded: a.pointsAwarded,
      replaced: !a.saved.inserted,
    },
  });
  // A detractor once per period: a changed answer that stays a detractor's does not raise it again.
  if ((a.survey.type === 'nps' || a.survey.type === 'csat') && isDetractor(a.survey.type, a.answers) && !a.saved.wasDetractor)
    await emit(sql, {
      ...base,
      type: 'survey.detractor',
      data: {
        surveyId: a.survey.id,
        responseId: a.saved.id,
        type: a.survey.type,
        score,
        hasComment: a.comment !== null,
        customerId: a.who.customerId,
      },
    });
}
