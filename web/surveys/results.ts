// A survey's results for a range (../shared/METRICS.md, "Feedback"): only
// answers given in the range (whole local days in the shop's time zone), one
// per respondent and period — SurveyResponse holds exactly that, the latest
// having replaced the earlier — counted in SQL, never row by row in Node.
//
// Figures (numeric in SQL, rounded half away from zero, then a JSON number):
// - NPS: 100 × (promoters − detractors) ÷ respondents, −100..100, one decimal.
// - CSAT standard: 100 × answers 4–5 ÷ respondents, a percent, one decimal;
//   CSAT seed 001: 100 × (answers 4–5 − answers 1–2) ÷ respondents, a percent (−100..100), one decimal.
// - CES standard: mean answer (1–7), two decimals; CES seed 001: 100 × answers 1–3 ÷ respondents, a percent, one decimal.
// - CLI: 10 × mean of the three answers over respondents who answered all three (0–100), one decimal.
// With no answers a figure is null (never 0 or NaN); counts are 0.
import { z } from 'zod';
import { daySchema, daysBetween, inLocalDays, MAX_RANGE_DAYS, shopContext } from '../analytics/range.js';
import type { Deps, Survey } from './store.js';
import { QUESTION_KEYS, scaleOf, type SurveyType } from './types.js';

export const resultsQuery = z
  .object({ from: daySchema, to: daySchema, interval: z.enum(['week', 'month']).default('month') })
  .refine((r) => r.from <= r.to, { path: ['to'], message: 'must be on or after the start' })
  .refine((r) => daysBetween(r.from, r.to) < MAX_RANGE_DAYS, { path: ['to'], message: 'at most three years at a time' });
export type ResultsQuery = z.infer<typeof resultsQuery>;

export interface Figures {
  respondents: number;
  nps?: { score: number | null; promoters: number; passives: number; detractors: number };
  csat?: { standard: number | null; seed: number | null; positive: number; negative: number };
  ces?: { standard: number | null; seed: number | null; negative: number };
  cli?: { score: number | null; respondents: number };
  poll?: { choices: Array<{ index: number; label: string; count: number }> };
}

export interface SurveyResults extends Figures {
  survey: { id: string; type: SurveyType; name: string };
  range: { from: string; to: string; timeZone: string };
  interval: 'week' | 'month';
  members: Figures;
  nonMembers: Figures;
  /** Members' answers by the tier they held when answering: every tier of the shop (lowest first), then any others seen. */
  byTier: Array<Figures & { tierId: string | null; name: string | null }>;
  /** Per question key, the count of each value of its scale. */
  distribution: Record<string, Array<{ value: number; count: number }>>;
  /** Per week (Monday) or month, its first day YYYY-MM-DD, every bucket of the range. */
  trend: Array<Figures & { start: string }>;
}

const a = (key: string) => `(r.answers->>'${key}')::int`;

/** The aggregate columns of a type's figures over rows r (a LEFT JOIN's missing rows count nowhere). */
function figureColumns(type: SurveyType, choices: number): string {
  const n = `count(r.id)`;
  const pct = (count: string) => `round(100.0 * (${count}) / NULLIF(${n}, 0), 1)::float8`;
  const when = (cond: string) => `count(r.id) FILTER (WHERE ${cond})`;
  const cols = [`${n}::int AS respondents`];
  if (type === 'nps') {
    const [p, d] = [when(`${a('nps')} >= 9`), when(`${a('nps')} <= 6`)];
    cols.push(`${p}::int AS promoters`, `${when(`${a('nps')} BETWEEN 7 AND 8`)}::int AS passives`, `${d}::int AS detractors`);
    cols.push(`${pct(`${p} - ${d}`)} AS nps_score`);
  } else if (type === 'csat') {
    const [pos, neg] = [when(`${a('csat')} >= 4`), when(`${a('csat')} <= 2`)];
    cols.push(
      `${pos}::int AS positive`,
      `${neg}::int AS negative`,
      `${pct(pos)} AS csat_standard`,
      `${pct(`${pos} - ${neg}`)} AS csat_seed`,
    );
  } else if (type === 'ces') {
    const neg = when(`${a('ces')} <= 3`);
    cols.push(
      `round(sum(${a('ces')})::numeric / NULLIF(${n}, 0), 2)::float8 AS ces_standard`,
      `${neg}::int AS negative`,
      `${pct(neg)} AS ces_seed`,
    );
  } else if (type === 'cli') {
    const all = QUESTION_KEYS.cli.map((k) => `${a(k)} IS NOT NULL`).join(' AND ');
    const sum = QUESTION_KEYS.cli.map(a).join(' + ');
    cols.push(`${when(all)}::int AS cli_respondents`);
    cols.push(`round(10.0 * sum(${sum}) FILTER (WHERE ${all}) / NULLIF(3 * ${when(all)}, 0), 1)::float8 AS cli_score`);
  } else {
    for (let i = 0; i < choices; i++) cols.push(`${when(`${a('choice')} = ${i}`)}::int AS c${i}`);
  }
  return cols.join(',\n       ');
}

type Row = Record<string, number | null>;

function figures(survey: Survey, row: Row | undefined): Figures {
  const r: Row = row ?? {};
  const count = (k: string) => Number(r[k] ?? 0);
  const value = (k: string) => (r[k] === null || r[k] === undefined ? null : Number(r[k]));
  const f: Figures = { respondents: count('respondents') };
  if (survey.type === 'nps')
    f.nps = { score: value('nps_score'), promoters: count('promoters'), passives: count('passives'), detractors: count('detractors') };
  if (survey.type === 'csat')
    f.csat = { standard: value('csat_standard'), seed: value('csat_seed'), positive: count('positive'), negative: count('negative') };
  if (survey.type === 'ces') f.ces = { standard: value('ces_standard'), seed: value('ces_seed'), negative: count('negative') };
  if (survey.type === 'cli') f.cli = { score: value('cli_score'), respondents: count('cli_respondents') };
  if (survey.type === 'poll')
    f.poll = { choices: (survey.content.choices ?? []).map((label, index) => ({ index, label, count: count(`c${index}`) })) };
  return f;
}

/** The answers in range: $1 shop, $2 survey, $3 time zone, $4 from, $5 to. */
const ANSWERS = `r AS (
  SELECT r.id, r.answers, r."isMember", r."tierId", r."answeredAt"
  FROM "SurveyResponse" r
  WHERE r.shop = $1 AND r."surveyId" = $2 AND ${inLocalDays('r."answeredAt"', '$3', '$4::date', '$5::date')}
)`;

export async function surveyResults({ pool }: Deps, shop: string, survey: Survey, q: ResultsQuery): Promise<SurveyResults> {
  const { timeZone } = await shopContext(pool, shop);
  const params = [shop, survey.id, timeZone, q.from, q.to];
  const choices = survey.content.choices?.length ?? 0;
  const cols = figureColumns(survey.type, choices);
  const [groups, tiers, distribution, trend] = await Promise.all([
    pool.query<Row & { g: number; isMember: boolean | null; tierId: string | null; name: string | null }>(
      `WITH ${ANSWERS}
       SELECT GROUPING(r."isMember", r."tierId")::int AS g, r."isMember", r."tierId", max(t.name) AS name,
       ${cols}
       FROM r LEFT JOIN "Tier" t ON t.id = r."tierId" AND t.shop = $1
       GROUP BY GROUPING SETS ((), (r."isMember"), (r."isMember", r."tierId"))`,
      params,
    ),
    pool.query<{ id: string; name: string }>(`SELECT id, name FROM "Tier" WHERE shop = $1 ORDER BY threshold, id`, [shop]),
    pool.query<{ key: string; value: number; count: number }>(
      `WITH ${ANSWERS}
       SELECT e.key, e.value::int AS value, count(*)::int AS count FROM r, jsonb_each_text(r.answers) e GROUP BY e.key, e.value::int`,
      params,
    ),
    pool.query<Row & { start: string }>(
      `WITH ${ANSWERS},
       b AS (SELECT gs::date AS start FROM generate_series(date_trunc($6, $4::date::timestamp), date_trunc($6, $5::date::timestamp), ('1 ' || $6)::interval) gs)
       SELECT to_char(b.start, 'YYYY-MM-DD') AS start,
       ${cols}
       FROM b LEFT JOIN r ON date_trunc($6, (r."answeredAt" AT TIME ZONE 'UTC') AT TIME ZONE $3::text)::date = b.start
       GROUP BY b.start ORDER BY b.start`,
      [...params, q.interval],
    ),
  ]);
  const all = groups.rows.find((r) => r.g === 3);
  const byMembership = (m: boolean) => groups.rows.find((r) => r.g === 1 && r.isMember === m);
  return {
    survey: { id: survey.id, type: survey.type, name: survey.name },
    range: { from: q.from, to: q.to, timeZone },
    interval: q.interval,
    ...figures(survey, all),
    members: figures(survey, byMembership(true)),
    nonMembers: figures(survey, byMembership(false)),
    byTier: tierFigures(survey, groups.rows, tiers.rows),
    distribution: distributionOf(survey, distribution.rows),
    trend: trend.rows.map((row) => ({ start: row.start, ...figures(survey, row) })),
  };
}

function tierFigures(
  survey: Survey,
  rows: Array<Row & { g: number; isMember: boolean | null; tierId: string | null; name: string | null }>,
  tiers: Array<{ id: string; name: string }>,
): SurveyResults['byTier'] {
  const memberRows = rows.filter((r) => r.g === 0 && r.isMember === true);
  const known = tiers.map((t) => ({
    tierId: t.id as string | null,
    name: t.name as string | null,
    ...figures(
      survey,
      memberRows.find((r) => r.tierId === t.id),
    ),
  }));
  const others = memberRows
    .filter((r) => !tiers.some((t) => t.id === r.tierId))
    .map((r) => ({ tierId: r.tierId, name: r.name, ...figures(survey, r) }));
  return [...known, ...others];
}

function distributionOf(survey: Survey, rows: Array<{ key: string; value: number; count: number }>): SurveyResults['distribution'] {
  const { min, max } = scaleOf(survey);
  const out: SurveyResults['distribution'] = {};
  for (const key of QUESTION_KEYS[survey.type]) {
    out[key] = [];
    for (let value = min; value <= max; value++)
      out[key].push({ value, count: rows.find((r) => r.key === key && r.value === value)?.count ?? 0 });
  }
  return out;
}
