// A survey's answers for the Feedback page: the comments list (search, score
// band, handled or not, a range of the shop's local days), a page at a time
// (keyset on answeredAt, id), the same filter as CSV, and marking a comment
// handled. One statement per page; a survey or answer of another shop is
// simply not found.
import type pg from 'pg';
import { z } from 'zod';
import { daySchema, inLocalDays } from '../analytics/range.js';
import { csvLine } from '../loyalty/domain/csv.js';
import { decodeCursor, encodeCursor } from '../loyalty/member-list.js';
import type { LoyaltyDeps } from '../loyalty/services.js';

/** A band names the same third of the scale for every type: promoter = positive, passive = neutral, detractor = negative. */
const BANDS = {
  promoter: 'positive',
  passive: 'neutral',
  detractor: 'negative',
  positive: 'positive',
  neutral: 'neutral',
  negative: 'negative',
} as const;
type Band = (typeof BANDS)[keyof typeof BANDS];

export const responseListQuery = z
  .object({
    from: daySchema.optional(),
    to: daySchema.optional(),
    band: z.enum(Object.keys(BANDS) as [keyof typeof BANDS]).optional(),
    q: z.string().trim().max(100).optional(),
    handled: z.enum(['true', 'false']).optional(),
    cursor: z.string().max(300).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .refine((r) => !r.from || !r.to || r.from <= r.to, { path: ['to'], message: 'must be on or after the start' });
export type ResponseListQuery = z.infer<typeof responseListQuery>;

/** Each type's question keys, in the CSV's column order (issue 21's fixed keys). */
export const QUESTION_KEYS: Record<string, readonly string[]> = {
  nps: ['nps'],
  csat: ['csat'],
  ces: ['ces'],
  cli: ['recommend', 'buy_again', 'try_other'],
  poll: ['choice'],
};

/**
 * The answer's score on its scale (CLI: the mean of its three answers), and the scores each band covers
 * (../shared/METRICS.md): NPS and CLI promoters 9–10, passives 7–8, detractors 0–6; CSAT positive 4–5,
 * negative 1–2; CES (1–7, higher is easier) negative 1–3 as in seed 001's form, positive 5–7.
 */
const SCORE = `CASE s.type
    WHEN 'cli' THEN ((r.answers->>'recommend')::numeric + (r.answers->>'buy_again')::numeric + (r.answers->>'try_other')::numeric) / 3
    WHEN 'poll' THEN NULL
    ELSE (r.answers->>s.type)::numeric END`;
const BAND_SQL: Record<Band, string> = {
  positive: `(CASE s.type WHEN 'csat' THEN 4 WHEN 'ces' THEN 5 ELSE 9 END) <= ${SCORE}`,
  neutral: `${SCORE} >= (CASE s.type WHEN 'csat' THEN 3 WHEN 'ces' THEN 4 ELSE 7 END) AND ${SCORE} < (CASE s.type WHEN 'csat' THEN 4 WHEN 'ces' THEN 5 ELSE 9 END)`,
  negative: `${SCORE} < (CASE s.type WHEN 'csat' THEN 3 WHEN 'ces' THEN 4 ELSE 7 END)`,
};

export interface ResponseRow {
  id: string;
  answeredAt: Date;
  answers: Record<string, number>;
  score: number | null;
  comment: string | null;
  channel: string;
  isMember: boolean;
  memberId: string | null;
  customerId: string | null;
  memberEmail: string | null;
  tierName: string | null;
  handledAt: Date | null;
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The statement for one page of `limit` answers after `after` (null: the first page); $1 shop, $2 survey. */
function pageStatement(query: ResponseListQuery, after: { at: Date; id: string } | null, limit: number) {
  const params: unknown[] = [];
  const p = (value: unknown) => `$${params.push(value)}`;
  const shop = p(null);
  const survey = p(null);
  const where = [`r.shop = ${shop}`, `r."surveyId" = ${survey}`];
  if (query.from || query.to) {
    const first = query.from ? `${p(query.from)}::date` : `'0001-01-01'::date`;
    const last = query.to ? `${p(query.to)}::date` : `'9999-12-30'::date`;
    where.push(inLocalDays('r."answeredAt"', 'sh."ianaTimezone"', first, last));
  }
  if (query.band) where.push(`(${BAND_SQL[BANDS[query.band]]})`);
  if (query.q) where.push(`r.comment ILIKE ${p(`%${likeEscape(query.q)}%`)}`);
  if (query.handled) where.push(`r."handledAt" IS ${query.handled === 'true' ? 'NOT ' : ''}NULL`);
  if (after) where.push(`(r."answeredAt", r.id) < (${p(after.at)}::timestamp, ${p(after.id)}::text)`);
  const sql = `SELECT r.id, r."answeredAt", r.answers, (${SCORE})::float8 AS score, r.comment, r.channel, r."isMember",
         r."memberId", r."customerId", m.email AS "memberEmail", t.name AS "tierName", r."handledAt"
       FROM "SurveyResponse" r
       JOIN "Survey" s ON s.id = r."surveyId" AND s.shop = r.shop
       JOIN "Shop" sh ON sh.domain = r.shop
       LEFT JOIN "Member" m ON m.id = r."memberId" AND m.shop = r.shop
       LEFT JOIN "Tier" t ON t.id = r."tierId" AND t.shop = r.shop
       WHERE ${where.join(' AND ')}
       ORDER BY r."answeredAt" DESC, r.id DESC
       LIMIT ${p(limit)}`;
  return { sql, params };
}

async function surveyOf(pool: pg.Pool, shop: string, surveyId: string) {
  const { rows } = await pool.query<{ id: string; type: string; name: string }>(
    `SELECT id, type, name FROM "Survey" WHERE shop = $1 AND id = $2`,
    [shop, surveyId],
  );
  return rows[0] ?? null;
}

async function readPage(
  pool: pg.Pool,
  shop: string,
  surveyId: string,
  query: ResponseListQuery,
  after: { at: Date; id: string } | null,
  limit: number,
) {
  const { sql, params } = pageStatement(query, after, limit);
  params[0] = shop;
  params[1] = surveyId;
  const { rows } = await pool.query<ResponseRow>(sql, params);
  return rows;
}

const cursorOf = (row: ResponseRow) => encodeCursor({ v: row.answeredAt.toISOString(), id: row.id });

/** A page of the survey's answers, newest first; null when the survey is not the shop's; 'bad-cursor' for a cursor not of this list. */
export async function responsePage({ pool }: Pick<LoyaltyDeps, 'pool'>, shop: string, surveyId: string, query: ResponseListQuery) {
  const survey = await surveyOf(pool, shop, surveyId);
  if (!survey) return null;
  let after: { at: Date; id: string } | null = null;
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    const at = c && typeof c.v === 'string' ? new Date(c.v) : null;
    if (!c || !at || Number.isNaN(at.getTime())) return 'bad-cursor' as const;
    after = { at, id: c.id };
  }
  const rows = await readPage(pool, shop, surveyId, query, after, query.limit + 1);
  const responses = rows.slice(0, query.limit);
  const last = responses[responses.length - 1];
  return { responses, nextCursor: rows.length > query.limit && last ? cursorOf(last) : null };
}

/** The CSV's lines for the filter (no page limit), read 500 at a time; null when the survey is not the shop's. */
export async function responseCsv({ pool }: Pick<LoyaltyDeps, 'pool'>, shop: string, surveyId: string, query: ResponseListQuery) {
  const survey = await surveyOf(pool, shop, surveyId);
  if (!survey) return null;
  const keys = QUESTION_KEYS[survey.type] ?? [];
  const header = csvLine([
    'answered_at',
    ...keys,
    'score',
    'comment',
    'channel',
    'member',
    'member_id',
    'customer_id',
    'member_email',
    'tier',
    'handled_at',
  ]);
  async function* lines() {
    yield header;
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      const rows = await readPage(pool, shop, surveyId, query, after, 500);
      for (const r of rows) {
        yield csvLine([
          r.answeredAt,
          ...keys.map((k) => r.answers[k]),
          r.score,
          r.comment,
          r.channel,
          r.isMember ? 'yes' : 'no',
          r.memberId,
          r.customerId,
          r.memberEmail,
          r.tierName,
          r.handledAt,
        ]);
      }
      const last = rows[rows.length - 1];
      if (rows.length < 500 || !last) return;
      after = { at: last.answeredAt, id: last.id };
    }
  }
  return { survey, lines: lines() };
}

/** Marks an answer's comment handled (now) or not; null when the answer is not the shop's. */
export async function markHandled(
  { pool }: Pick<LoyaltyDeps, 'pool'>,
  shop: string,
  responseId: string,
  handled: boolean,
  now = new Date(),
) {
  const { rows } = await pool.query<{ id: string; handledAt: Date | null }>(
    `UPDATE "SurveyResponse" SET "handledAt" = CASE WHEN $3 THEN COALESCE("handledAt", $4) ELSE NULL END
     WHERE shop = $1 AND id = $2 RETURNING id, "handledAt"`,
    [shop, responseId, handled, now],
  );
  return rows[0] ?? null;
}
