// Who is asked which survey, and when (issue 21). An invite is a SurveyInvite row: at most one per member, survey and
// period (its unique key), written set-based (INSERT … SELECT … ON CONFLICT DO NOTHING), so a redelivered event, a
// re-run job or a second manual send asks nobody twice in a period. Only active surveys invite, and only through a
// channel the survey has: email when it has email (the survey_invite message, web/email/messages/survey-invite.ts),
// else the widget (the panel's card finds the invite); a survey on the Thank-you page alone asks there, not here.
//
// The triggers:
//  - order_released: the order.released subscriber (web/subscribers/order.released/invite-survey.ts);
//  - after_fulfilment N days: Tally records no fulfilment date (only whether the latest payload said
//    fulfillment_status = fulfilled, in Order.facts), so the job asks N days after the order was first seen paid
//    (Order.paidAt), for orders not cancelled;
//  - every_months N: members with an order in the last 365 days, once every N months (no invite of the survey in the
//    last N months), as well as once per period;
//  - manual: the admin's send (web/routes/admin/survey-send.ts), to a segment's members or every member.
// Each may be narrowed to a segment (trigger.segmentId). Redacted members are never asked.
//
// The emails: an invite through email gets its survey_invite row (cause "survey-invite:<invite id>", so once) through
// recordEmail (web/email/sends.ts): the member's consent and unsubscribes, the frequency cap and the send window apply
// there. The job (and the subscriber, for its own invite) records them; a large manual send is recorded by the job a
// batch at a time — the invites not yet emailed are the job's cursor (NOT EXISTS their EmailSend row).
import type pg from 'pg';
import { pgSql, type Sql } from '../db/sql.js';
import { recordEmail, type Recorded } from '../email/sends.js';
import { signLink } from '../email/links.js';
import { emailLocale } from '../email/messages/index.js';
import { periodAt, questionsIn, scaleOf, type SurveyContent, type SurveyType } from './types.js';

export const INVITE_EMAIL_KEY = 'survey_invite';
/** Invites whose email is not recorded after this long are left alone (the message was off, or the survey changed). */
export const EMAIL_WITHIN_DAYS = 7;
/** after_fulfilment: orders paid up to this many days before the N-day mark still count (a job down for a while). */
export const FULFILMENT_GRACE_DAYS = 3;
/** Members whose emails are recorded per statement. */
export const INVITE_BATCH = 200;
const DAY_MS = 86_400_000;

export interface SurveyTriggerJson {
  kind: 'manual' | 'order_released' | 'after_fulfilment' | 'every_months';
  days?: number;
  months?: number;
  segmentId?: string;
}

export interface SurveyRow {
  id: string;
  shop: string;
  type: SurveyType;
  name: string;
  content: SurveyContent;
  trigger: SurveyTriggerJson;
  periodDays: number;
  pointsForAnswer: number;
  channels: string[];
  status: string;
  createdAt: Date;
}

/** The channel an invite goes through: email when the survey has it, else the widget; null: neither (no invite). */
export function inviteChannel(channels: readonly string[]): 'email' | 'widget' | null {
  if (channels.includes('email')) return 'email';
  if (channels.includes('widget')) return 'widget';
  return null;
}

/** Active surveys of the shop with this trigger kind (all shops when shop is null). */
export async function activeSurveys(sql: Sql, shop: string | null, kind: SurveyTriggerJson['kind']): Promise<SurveyRow[]> {
  return sql.$queryRaw<SurveyRow[]>`
    SELECT id, shop, type, name, content, trigger, "periodDays", "pointsForAnswer", channels, status, "createdAt"
    FROM "Survey"
    WHERE (${shop}::text IS NULL OR shop = ${shop}) AND status = 'active' AND trigger->>'kind' = ${kind}
    ORDER BY shop, "createdAt", id`;
}

export async function surveyById(sql: Sql, shop: string, id: string): Promise<SurveyRow | null> {
  const [row] = await sql.$queryRaw<SurveyRow[]>`
    SELECT id, shop, type, name, content, trigger, "periodDays", "pointsForAnswer", channels, status, "createdAt"
    FROM "Survey" WHERE shop = ${shop} AND id = ${id}`;
  return row ?? null;
}

export interface Invited {
  id: string;
  memberId: string;
  channel: string;
}

/** The order_released trigger: asks the order's member (once per period). The invite, new or already there. */
export async function inviteForOrder(
  sql: Sql,
  survey: SurveyRow,
  memberId: string,
  orderId: string,
  now: Date,
): Promise<(Invited & { orderId: string | null }) | null> {
  const channel = inviteChannel(survey.channels);
  if (!channel || survey.status !== 'active') return null;
  const period = periodAt(survey, now);
  const segmentId = survey.trigger.segmentId ?? null;
  await sql.$executeRaw`
    INSERT INTO "SurveyInvite" (id, shop, "surveyId", "memberId", period, channel, "orderId", "createdAt")
    SELECT gen_random_uuid()::text, m.shop, ${survey.id}, m.id, ${period}, ${channel}, ${orderId}, ${now}
    FROM "Member" m
    WHERE m.id = ${memberId} AND m.shop = ${survey.shop} AND m."redactedAt" IS NULL
      AND (${segmentId}::text IS NULL OR EXISTS (SELECT 1 FROM "SegmentMember" sm WHERE sm."segmentId" = ${segmentId} AND sm."memberId" = m.id))
    ON CONFLICT ("surveyId", "memberId", period) DO NOTHING`;
  const [invite] = await sql.$queryRaw<Array<Invited & { orderId: string | null }>>`
    SELECT id, "memberId", channel, "orderId" FROM "SurveyInvite"
    WHERE "surveyId" = ${survey.id} AND "memberId" = ${memberId} AND period = ${period}`;
  return invite ?? null;
}

/** The manual trigger: every member of the segment (or of the shop), asked once per period. How many were new. */
export async function inviteSegment(sql: Sql, survey: SurveyRow, segmentId: string | null, now: Date): Promise<number> {
  const channel = inviteChannel(survey.channels);
  if (!channel || survey.status !== 'active') return 0;
  const period = periodAt(survey, now);
  return sql.$executeRaw`
    INSERT INTO "SurveyInvite" (id, shop, "surveyId", "memberId", period, channel, "createdAt")
    SELECT gen_random_uuid()::text, m.shop, ${survey.id}, m.id, ${period}, ${channel}, ${now}
    FROM "Member" m
    WHERE m.shop = ${survey.shop} AND m."redactedAt" IS NULL
      AND (${segmentId}::text IS NULL OR EXISTS (SELECT 1 FROM "SegmentMember" sm WHERE sm."segmentId" = ${segmentId} AND sm."memberId" = m.id))
    ON CONFLICT ("surveyId", "memberId", period) DO NOTHING`;
}

/** after_fulfilment N days: members whose order was first paid N days ago (see the top of this file). */
export async function inviteAfterFulfilment(sql: Sql, survey: SurveyRow, now: Date): Promise<number> {
  const channel = inviteChannel(survey.channels);
  const days = survey.trigger.days;
  if (!channel || survey.status !== 'active' || days === undefined) return 0;
  const period = periodAt(survey, now);
  const to = new Date(now.getTime() - days * DAY_MS);
  const from = new Date(to.getTime() - FULFILMENT_GRACE_DAYS * DAY_MS);
  const segmentId = survey.trigger.segmentId ?? null;
  // One invite per member: their latest order in the window names it.
  return sql.$executeRaw`
    INSERT INTO "SurveyInvite" (id, shop, "surveyId", "memberId", period, channel, "orderId", "createdAt")
    SELECT gen_random_uuid()::text, o.shop, ${survey.id}, o."memberId", ${period}, ${channel}, o."orderId", ${now}
    FROM (SELECT DISTINCT ON (o."memberId") o.shop, o."memberId", o."orderId"
          FROM "Order" o JOIN "Member" m ON m.id = o."memberId" AND m.shop = o.shop
          WHERE o.shop = ${survey.shop} AND o."paidAt" > ${from} AND o."paidAt" <= ${to} AND o."cancelledAt" IS NULL
            AND m."redactedAt" IS NULL
            AND (${segmentId}::text IS NULL OR EXISTS (SELECT 1 FROM "SegmentMember" sm WHERE sm."segmentId" = ${segmentId} AND sm."memberId" = m.id))
          ORDER BY o."memberId", o."paidAt" DESC, o."orderId") o
    ON CONFLICT ("surveyId", "memberId", period) DO NOTHING`;
}

/** `months` calendar months before `at` (UTC; the 31st of a shorter month falls back to its last day). */
export function monthsBefore(at: Date, months: number): Date {
  const d = new Date(at);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** every_months N: active members (an order in the last 365 days) not asked this survey in the last N months. */
export async function inviteActiveMembers(sql: Sql, survey: SurveyRow, now: Date): Promise<number> {
  const channel = inviteChannel(survey.channels);
  const months = survey.trigger.months;
  if (!channel || survey.status !== 'active' || !months) return 0;
  const period = periodAt(survey, now);
  const since = monthsBefore(now, months);
  const activeSince = new Date(now.getTime() - 365 * DAY_MS);
  const segmentId = survey.trigger.segmentId ?? null;
  return sql.$executeRaw`
    INSERT INTO "SurveyInvite" (id, shop, "surveyId", "memberId", period, channel, "createdAt")
    SELECT gen_random_uuid()::text, m.shop, ${survey.id}, m.id, ${period}, ${channel}, ${now}
    FROM "Member" m
    WHERE m.shop = ${survey.shop} AND m."redactedAt" IS NULL
      AND EXISTS (SELECT 1 FROM "Order" o WHERE o.shop = m.shop AND o."memberId" = m.id AND o."cancelledAt" IS NULL
                  AND o."processedAt" > ${activeSince} AND o."processedAt" <= ${now})
      AND NOT EXISTS (SELECT 1 FROM "SurveyInvite" i WHERE i."surveyId" = ${survey.id} AND i."memberId" = m.id AND i."createdAt" > ${since})
      AND (${segmentId}::text IS NULL OR EXISTS (SELECT 1 FROM "SegmentMember" sm WHERE sm."segmentId" = ${segmentId} AND sm."memberId" = m.id))
    ON CONFLICT ("surveyId", "memberId", period) DO NOTHING`;
}

/** How links are signed and addressed (web/email/sender.ts's MailSetup has these). */
export interface LinkSetup {
  secret: string;
  appUrl: string;
  viaShop: boolean;
}

/**
 * The survey link's signature: over the shop, the invite and the score ('' for the answer page, where the member
 * picks), with the email links' key (web/email/links.ts, purpose "survey"). The invite's id is random; the signature
 * is what lets a link answer for it.
 */
export function surveyLinkSignature(shop: string, inviteId: string, score: number | null, secret: string): string {
  return signLink(['survey', shop, inviteId, score === null ? '' : String(score)], secret);
}

/** A survey link (viaShop: the shop's app proxy, else the app's own /proxy route): with a score, one click answers. */
export function surveyLinkUrl(shop: string, inviteId: string, score: number | null, setup: LinkSetup): string {
  const query = new URLSearchParams({ i: inviteId, ...(score === null ? {} : { v: String(score) }) });
  query.set('sig', surveyLinkSignature(shop, inviteId, score, setup.secret));
  return setup.viaShop
    ? `https://${shop}/apps/tally/email/survey?${query}`
    : `${setup.appUrl.replace(/\/$/, '')}/proxy/email/survey?${query}`;
}

/** Types answered with one score in the email; CLI (three questions) and a poll (choices) answer on the page. */
export const scoredInEmail = (type: SurveyType) => type === 'nps' || type === 'csat' || type === 'ces';

/** The survey_invite message's merge data for one invite: the question, the score links (or the page's), the points. */
export function inviteEmailData(survey: SurveyRow, inviteId: string, locale: string | null, shopName: string, setup: LinkSetup) {
  const [question] = questionsIn(survey, emailLocale(locale), shopName);
  const scale = scaleOf(survey);
  const scores = [];
  if (scoredInEmail(survey.type))
    for (let v = scale.min; v <= scale.max; v++) scores.push({ score: v, url: surveyLinkUrl(survey.shop, inviteId, v, setup) });
  return {
    survey: {
      name: survey.name,
      type: survey.type,
      question: question?.text ?? survey.name,
      points: survey.pointsForAnswer,
      scores,
      min: scale.min,
      max: scale.max,
      answer_url: surveyLinkUrl(survey.shop, inviteId, null, setup),
    },
  };
}

/** Records the survey_invite email of one invite (once: its cause is the invite). */
export async function recordInviteEmail(
  sql: Sql,
  survey: SurveyRow,
  invite: { id: string; memberId: string },
  setup: LinkSetup,
  now: Date,
): Promise<Recorded> {
  const [facts] = await sql.$queryRaw<Array<{ locale: string | null; shopName: string | null }>>`
    SELECT m.locale, s.name AS "shopName" FROM "Member" m LEFT JOIN "Shop" s ON s.domain = m.shop
    WHERE m.id = ${invite.memberId} AND m.shop = ${survey.shop}`;
  if (!facts) return 'no-member';
  return recordEmail(sql, {
    shop: survey.shop,
    memberId: invite.memberId,
    key: INVITE_EMAIL_KEY,
    cause: `survey-invite:${invite.id}`,
    data: inviteEmailData(survey, invite.id, facts.locale, facts.shopName ?? survey.shop, setup),
    now,
  });
}

/**
 * Measured (PostgreSQL 15, 2 cores, load 8–14): a manual send to 5,036 members made its invites in 55 ms (one
 * statement) and this recorded their emails at 63 a second (recordEmail per invite, about six statements each) — a
 * 100,000-member send takes the job about 26 minutes, batch after batch; the monthly statement's set-based recording
 * (web/email/statement.ts) would be the way to go faster.
 *
 * Records the survey_invite emails of email invites (of active surveys, made in the last EMAIL_WITHIN_DAYS days) that
 * have none yet, a batch at a time; the shop's or every shop's. How many were queued and suppressed.
 */
export async function emailPendingInvites(
  pool: pg.Pool,
  setup: LinkSetup,
  options: { shop?: string | null; now?: Date; batchSize?: number } = {},
): Promise<{ queued: number; suppressed: number; skipped: number }> {
  const sql = pgSql(pool);
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - EMAIL_WITHIN_DAYS * DAY_MS);
  const shop = options.shop ?? null;
  const result = { queued: 0, suppressed: 0, skipped: 0 };
  const surveys = new Map<string, SurveyRow | null>();
  let after = '';
  for (;;) {
    const batch = await sql.$queryRaw<Array<{ id: string; memberId: string; surveyId: string; shop: string }>>`
      SELECT i.id, i."memberId", i."surveyId", i.shop FROM "SurveyInvite" i
      WHERE (${shop}::text IS NULL OR i.shop = ${shop}) AND i.channel = 'email' AND i."answeredAt" IS NULL
        AND i."createdAt" > ${since} AND i.id > ${after}
        AND NOT EXISTS (SELECT 1 FROM "EmailSend" e WHERE e.shop = i.shop AND e."memberId" = i."memberId"
                        AND e.key = ${INVITE_EMAIL_KEY} AND e.cause = 'survey-invite:' || i.id)
      ORDER BY i.id LIMIT ${options.batchSize ?? INVITE_BATCH}`;
    for (const invite of batch) {
      if (!surveys.has(invite.surveyId)) surveys.set(invite.surveyId, await surveyById(sql, invite.shop, invite.surveyId));
      const survey = surveys.get(invite.surveyId);
      if (!survey || survey.status !== 'active') {
        result.skipped += 1;
        continue;
      }
      const recorded = await recordInviteEmail(sql, survey, invite, setup, now);
      if (typeof recorded === 'string') result.skipped += 1;
      else if (recorded.status === 'queued') result.queued += 1;
      else result.suppressed += 1;
    }
    if (batch.length < (options.batchSize ?? INVITE_BATCH)) return result;
    after = batch[batch.length - 1]!.id;
  }
}

export type SendOutcome =
  { invited: number; channel: 'email' | 'widget'; segmentId: string | null } | 'no-survey' | 'no-segment' | 'not-active' | 'no-channel';

/**
 * The admin's manual send: every member of the segment (the given one, else the survey's trigger's, else all
 * members) asked once per period. `emailLater` hands the invites' emails to the survey-invites job.
 */
export async function sendSurvey(
  deps: { pool: pg.Pool },
  shop: string,
  surveyId: string,
  requested: string | null,
  emailLater: () => Promise<unknown>,
  now = new Date(),
): Promise<SendOutcome> {
  const sql = pgSql(deps.pool);
  const survey = await surveyById(sql, shop, surveyId);
  if (!survey) return 'no-survey';
  if (survey.status !== 'active') return 'not-active';
  const channel = inviteChannel(survey.channels);
  if (!channel) return 'no-channel';
  const segmentId = requested ?? survey.trigger.segmentId ?? null;
  if (segmentId) {
    const [segment] = await sql.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Segment" WHERE id = ${segmentId} AND shop = ${shop}`;
    if (!segment) return 'no-segment';
  }
  const invited = await inviteSegment(sql, survey, segmentId, now);
  if (invited > 0 && channel === 'email') await emailLater();
  return { invited, channel, segmentId };
}
