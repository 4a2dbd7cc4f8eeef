// Rule segments: a merchant's conditions joined by all/any (nested), stored
// as a validated JSON tree and compiled to ONE parameterised SQL condition
// over the shop's members (no per-member loop, values only as parameters).
//
// Members are analytics' members: not guests ('guest:…'), not redacted.
// Order fields read the member's sales (analytics' order: netSalesMinor not
// null, not cancelled) by customerKey = customerId, over the member's whole
// history; days are local days in the shop's time zone. A member without
// orders has ordersCount 0 and netSalesMinor 0, and no daysSinceLast/FirstOrder
// (a condition on those never matches them), no rfmSegment likewise; a member
// who never answered an NPS survey has no npsBand.
import { z } from 'zod';
import { ORDER_IS_SALE } from '../analytics/customers.js';
import { localDate } from '../analytics/range.js';
import { RFM_SEGMENTS } from './rfm.js';

export const OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains'] as const;
export type Op = (typeof OPS)[number];

type Kind = 'integer' | 'text' | 'boolean' | 'tags';
interface FieldSpec {
  kind: Kind;
  /** The SQL of the field's value for member m (o: the member's order facts, x: its CustomerRfm row). */
  sql: string;
  needs?: 'orders' | 'rfm' | 'nps';
  /** Allowed values (text fields with a closed set). */
  values?: readonly string[];
  min?: number;
  max?: number;
  /** Why the field cannot be used yet (answered as a 400 naming it). */
  unavailable?: string;
  /** Days since this UTC timestamp column (local days): a cheap bound on the column is checked first (see dayBound). */
  daysSince?: string;
}

const TZ = '$2';
export const FIELDS: Record<string, FieldSpec> = {
  tier: { kind: 'text', sql: `m."tierId"` },
  pointsAvailable: { kind: 'integer', sql: `m."pointsAvailable"` },
  pointsPending: { kind: 'integer', sql: `m."pointsPending"` },
  lifetimeEarned: { kind: 'integer', sql: `m."lifetimeEarned"` },
  ordersCount: { kind: 'integer', sql: `COALESCE(o.orders, 0)`, needs: 'orders', min: 0 },
  netSalesMinor: { kind: 'integer', sql: `COALESCE(o.net, 0)`, needs: 'orders' },
  daysSinceLastOrder: { kind: 'integer', sql: `($3::date - ${localDate('o.last_t', TZ)})`, needs: 'orders', min: 0, daysSince: 'o.last_t' },
  daysSinceFirstOrder: {
    kind: 'integer',
    sql: `($3::date - ${localDate('o.first_t', TZ)})`,
    needs: 'orders',
    min: 0,
    daysSince: 'o.first_t',
  },
  rfmSegment: { kind: 'text', sql: `x.segment`, needs: 'rfm', values: RFM_SEGMENTS },
  country: { kind: 'text', sql: `m."countryCode"` },
  birthdayMonth: { kind: 'integer', sql: `extract(month FROM m.birthday)::int`, min: 1, max: 12 },
  emailConsent: { kind: 'boolean', sql: `(m."emailMarketingState" = 'SUBSCRIBED')` },
  /** The member's latest answer to any NPS survey (web/surveys): promoter 9–10, passive 7–8, detractor 0–6; none: null. */
  npsBand: {
    kind: 'text',
    sql: `(CASE WHEN n.nps >= 9 THEN 'promoter' WHEN n.nps >= 7 THEN 'passive' WHEN n.nps IS NOT NULL THEN 'detractor' END)`,
    needs: 'nps',
    values: ['promoter', 'passive', 'detractor'],
  },
  tags: { kind: 'tags', sql: `m.tags` },
};

const OPS_BY_KIND: Record<Kind, readonly Op[]> = {
  integer: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in'],
  text: ['eq', 'neq', 'in'],
  boolean: ['eq', 'neq'],
  tags: ['contains', 'in'],
};

export interface Condition {
  field: string;
  op: Op;
  value: unknown;
}
export type RuleNode = { all: RuleNode[] } | { any: RuleNode[] } | Condition;
export type RuleTree = { all: RuleNode[] } | { any: RuleNode[] };

export const MAX_DEPTH = 5;
export const MAX_CONDITIONS = 100;
const BIG = 9_000_000_000_000_000; // inside bigint, and past any real figure

const condition = z
  .object({ field: z.string().max(64), op: z.enum(OPS), value: z.unknown() })
  .strict()
  .superRefine((c, ctx) => {
    const spec = FIELDS[c.field];
    if (!spec) return void ctx.addIssue({ code: 'custom', path: ['field'], message: `unknown field "${c.field}"` });
    if (spec.unavailable) return void ctx.addIssue({ code: 'custom', path: ['field'], message: `${c.field} is ${spec.unavailable}` });
    if (!OPS_BY_KIND[spec.kind].includes(c.op))
      return void ctx.addIssue({ code: 'custom', path: ['op'], message: `${c.field} takes ${OPS_BY_KIND[spec.kind].join(', ')}` });
    const one = (v: unknown): string | null => {
      switch (spec.kind) {
        case 'integer':
          if (typeof v !== 'number' || !Number.isSafeInteger(v)) return `${c.field} takes a whole number`;
          if (Math.abs(v) > BIG) return `${c.field} is out of range`;
          if (spec.min !== undefined && v < spec.min) return `${c.field} is at least ${spec.min}`;
          if (spec.max !== undefined && v > spec.max) return `${c.field} is at most ${spec.max}`;
          return null;
        case 'boolean':
          return typeof v === 'boolean' ? null : `${c.field} takes true or false`;
        case 'text':
        case 'tags':
          if (typeof v !== 'string' || v.length === 0 || v.length > 255) return `${c.field} takes a text of 1 to 255 characters`;
          if (spec.values && !spec.values.includes(v)) return `${c.field} is one of ${spec.values.join(', ')}`;
          return null;
      }
    };
    if (c.op === 'in') {
      if (!Array.isArray(c.value) || c.value.length === 0 || c.value.length > 500)
        return void ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.field} in takes a list of 1 to 500 values` });
      c.value.forEach((v, i) => {
        const problem = one(v);
        if (problem) ctx.addIssue({ code: 'custom', path: ['value', i], message: problem });
      });
      return;
    }
    const problem = one(c.value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

/** Checks a node (a group or a condition) where it sits, adding zod issues with their paths. */
function check(node: unknown, path: (string | number)[], depth: number, ctx: z.RefinementCtx, count: { n: number }): void {
  if (!node || typeof node !== 'object' || Array.isArray(node))
    return void ctx.addIssue({ code: 'custom', path, message: 'a condition or an {all|any: [...]} group' });
  const keys = Object.keys(node);
  if (keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any')) {
    const key = keys[0];
    const children = (node as Record<string, unknown>)[key];
    if (depth >= MAX_DEPTH) return void ctx.addIssue({ code: 'custom', path, message: `at most ${MAX_DEPTH} levels of groups` });
    if (!Array.isArray(children)) return void ctx.addIssue({ code: 'custom', path: [...path, key], message: 'a list of conditions' });
    children.forEach((child, i) => check(child, [...path, key, i], depth + 1, ctx, count));
    return;
  }
  if (depth === 0) return void ctx.addIssue({ code: 'custom', path, message: 'rules start with {"all": [...]} or {"any": [...]}' });
  count.n += 1;
  if (count.n === MAX_CONDITIONS + 1) ctx.addIssue({ code: 'custom', path, message: `at most ${MAX_CONDITIONS} conditions` });
  const parsed = condition.safeParse(node);
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: 'custom', path: [...path, ...(issue.path as (string | number)[])], message: issue.message });
}

/** A rule tree: {"all"|"any": [condition | group, …]}, every field, op and value checked (paths name the wrong part). */
export const ruleTree = z.unknown().superRefine((v, ctx) => check(v, [], 0, ctx, { n: 0 })) as unknown as z.ZodType<RuleTree>;

export interface Compiled {
  /** A boolean SQL expression over m (Member), o (order facts), x (CustomerRfm) and n (latest NPS answer). */
  where: string;
  values: unknown[];
  needs: Set<'orders' | 'rfm' | 'nps'>;
}

const CMP: Record<Exclude<Op, 'in' | 'contains'>, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Past this many days a bound is not worth it (and date arithmetic would overflow). */
const MAX_BOUND_DAYS = 1_000_000;

/**
 * A cheap necessary condition for "days since `column` <op> n" on the UTC timestamp itself, or null. The exact
 * test converts each customer's timestamp to a local date in the shop's zone, which costs more than reading the
 * orders; the bound settles most customers without it. A local date is within a day of the UTC date, so
 * days ≤ n implies column ≥ midnight (UTC) of today − n − 1, and days ≥ n implies column < midnight of today − n + 2;
 * a margin of one more day either way. `bound AND exact` equals `exact` (null included): the bound is false only where
 * exact is false, and null only where exact is null.
 */
function dayBound(column: string, op: Op, n: number, param: (value: unknown, cast: string) => string): string | null {
  const at = (days: number) => `(${column} >= ($3::date - ${param(days, 'int')})::timestamp)`;
  const before = (days: number) => `(${column} < ($3::date - ${param(days, 'int')})::timestamp)`;
  if (n > MAX_BOUND_DAYS) return null;
  const atMost = (m: number) => at(m + 2); // days <= m
  const atLeast = (m: number) => before(m - 3); // days >= m
  switch (op) {
    case 'lte':
      return atMost(n);
    case 'lt':
      return atMost(n - 1);
    case 'gte':
      return atLeast(n);
    case 'gt':
      return atLeast(n + 1);
    case 'eq':
      return `(${atMost(n)} AND ${atLeast(n)})`;
    default:
      return null;
  }
}
const CAST: Record<Kind, string> = { integer: 'bigint', text: 'text', boolean: 'boolean', tags: 'text' };

/**
 * Compiles a validated tree. `first` is the number of the first placeholder
 * to use ($1 shop, $2 time zone, $3 today are the caller's). Only field names
 * from FIELDS and fixed operators reach the SQL text; every value is a parameter.
 */
export function compileRules(tree: RuleTree, first = 4): Compiled {
  const values: unknown[] = [];
  const needs = new Set<'orders' | 'rfm' | 'nps'>();
  const param = (value: unknown, cast: string) => {
    values.push(value);
    return `$${first + values.length - 1}::${cast}`;
  };
  const walk = (node: RuleNode): string => {
    if ('all' in node) return node.all.length === 0 ? 'TRUE' : `(${node.all.map(walk).join(' AND ')})`;
    if ('any' in node) return node.any.length === 0 ? 'FALSE' : `(${node.any.map(walk).join(' OR ')})`;
    const spec = FIELDS[node.field];
    if (!spec || spec.unavailable) throw new Error(`rules not validated: ${node.field}`);
    if (spec.needs) needs.add(spec.needs);
    const cast = CAST[spec.kind];
    if (spec.kind === 'tags') {
      const list = node.op === 'in' ? (node.value as string[]) : [node.value as string];
      return `(${spec.sql} && ${param(list, 'text[]')})`;
    }
    if (node.op === 'in') return `(${spec.sql} = ANY(${param(node.value, `${cast}[]`)}))`;
    if (node.op === 'contains') throw new Error('contains is for tags');
    // neq matches members whose value differs, a missing value (null) included.
    if (node.op === 'neq') return `(${spec.sql} IS DISTINCT FROM ${param(node.value, cast)})`;
    const bound = spec.daysSince ? dayBound(spec.daysSince, node.op, node.value as number, param) : null;
    const exact = `(${spec.sql} ${CMP[node.op]} ${param(node.value, cast)})`;
    return bound ? `(${bound} AND ${exact})` : exact;
  };
  return { where: walk(tree), values, needs };
}

/** Members of the shop (analytics' definition) that match; the caller adds the select list, order and limit. */
export function membersQuery(compiled: Compiled, select: string): string {
  // Only the order facts the rules read: each aggregate is work per sale.
  const facts = [
    ['o.net', `sum("netSalesMinor") AS net`],
    ['o.last_t', `max("processedAt") AS last_t`],
    ['o.first_t', `min("processedAt") AS first_t`],
  ]
    .filter(([column]) => compiled.where.includes(column!))
    .map(([, sql]) => `, ${sql}`)
    .join('');
  const orders = compiled.needs.has('orders')
    ? `LEFT JOIN (
        SELECT "customerKey" AS k, count(*) AS orders${facts}
        FROM "Order" WHERE shop = $1 AND "customerKey" IS NOT NULL AND ${ORDER_IS_SALE} GROUP BY "customerKey"
      ) o ON o.k = m."customerId"`
    : '';
  const rfm = compiled.needs.has('rfm') ? `LEFT JOIN "CustomerRfm" x ON x.shop = $1 AND x."customerKey" = m."customerId"` : '';
  const nps = compiled.needs.has('nps') ? `LEFT JOIN (${latestNps('r."memberId" IS NOT NULL')}) n ON n."memberId" = m.id` : '';
  return `SELECT ${select} FROM "Member" m ${orders} ${rfm} ${nps}
    WHERE m.shop = $1 AND m."redactedAt" IS NULL AND m."customerId" NOT LIKE 'guest:%'
      AND $2::text IS NOT NULL AND $3::date IS NOT NULL AND ${compiled.where}`;
}

/**
 * Each member's latest answer to any NPS survey of shop $1 (memberId, nps), among answers matching `where` (SQL
 * over r, the SurveyResponse): one pass over the shop's NPS answers, newest first per member.
 */
export function latestNps(where: string): string {
  return `SELECT DISTINCT ON (r."memberId") r."memberId", (r.answers->>'nps')::int AS nps
      FROM "SurveyResponse" r JOIN "Survey" s ON s.id = r."surveyId" AND s.shop = r.shop AND s.type = 'nps'
      WHERE r.shop = $1 AND ${where}
      ORDER BY r."memberId", r."answeredAt" DESC, r.id DESC`;
}
