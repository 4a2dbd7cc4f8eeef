// Gifts to a segment: points, or a reward, given once to every member of a
// segment (a rule segment or an RFM segment). The admin previews who (count
// and a sample) and what it costs, then creates the gift (SegmentGift,
// queued) and the segment-gift job gives it in batches with its progress
// (done of total) committed with each batch.
//
// Once per member, however often the job runs (a retry, a second run, two
// runs at once): a points gift is one ledger entry per member (source GIFT,
// sourceId the gift, key gift:<id>:<member>), a reward gift one granted
// redemption per member (key gift:<id>); a repeated key writes nothing, and
// each batch picks only members without one. Recipients are the segment's
// members when the job runs. Each recipient gets a gift.received event (emails
// and Flow can react), beside the ledger's points.earned or reward.granted.
import pg from 'pg';
import { z } from 'zod';
import { transaction, type Sql } from '../db/sql.js';
import { emitMany } from '../events/emit.js';
import type { DomainEvent } from '../events/catalog.js';
import { memberJoin } from '../analytics/customers.js';
import { localToday } from '../analytics/range.js';
import { creditExpiresAt } from '../loyalty/domain/program.js';
import { rewardCost } from '../loyalty/domain/rewards/index.js';
import { earn } from '../loyalty/ledger.js';
import type { LoadedProgram } from '../loyalty/program.js';
import { grantReward } from '../loyalty/redemptions.js';
import { workUnder } from '../loyalty/working-program.js';
import { compileRules, membersQuery, type RuleTree } from './rules.js';
import { RFM_NAMES, RFM_SEGMENTS, type RfmSegment } from './rfm.js';

export type Deps = { pool: pg.Pool };

const note = z.string().trim().max(500).nullish();
/** The admin's gift: points (with a note the member's history shows), or a reward; preview: only say who and what it costs. */
export const giftBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('points'), points: z.number().int().min(1).max(1_000_000_000), note, preview: z.boolean().optional() }),
  z.object({ kind: z.literal('reward'), rewardId: z.string().min(1).max(64), note, preview: z.boolean().optional() }),
]);
export type GiftInput = z.infer<typeof giftBody>;

/** The reward is not one the shop can give: unknown, Tally's own, off, or without a fixed value (a slider). */
export class UngivableReward extends Error {
  readonly fields = { rewardId: 'not a reward of this shop with a fixed value that is switched on' };
  constructor() {
    super('Some fields need attention');
  }
}

interface Target {
  /** As the segments API names it: a rule segment's id or rfm:<handle>. */
  id: string;
  name: string;
  rfm: RfmSegment | null;
  rules: RuleTree | null;
}

async function target(pool: pg.Pool, shop: string, id: string): Promise<Target | null> {
  if (id.startsWith('rfm:')) {
    const handle = id.slice(4);
    return (RFM_SEGMENTS as readonly string[]).includes(handle)
      ? { id, name: RFM_NAMES[handle as RfmSegment], rfm: handle as RfmSegment, rules: null }
      : null;
  }
  const { rows } = await pool.query<{ id: string; name: string; rules: RuleTree }>(
    `SELECT id, name, rules FROM "Segment" WHERE shop = $1 AND id = $2 AND kind = 'rules'`,
    [shop, id],
  );
  return rows[0] ? { ...rows[0], rfm: null } : null;
}

/** What not yet given means for a gift: no entry (points) or redemption (reward) with its key for member m. */
const notGiven = (kind: 'points' | 'reward', key: string) =>
  kind === 'points'
    ? `NOT EXISTS (SELECT 1 FROM "PointEntry" e WHERE e.shop = $1 AND e."idempotencyKey" = ${key} || m.id)`
    : `NOT EXISTS (SELECT 1 FROM "Redemption" d WHERE d.shop = $1 AND d."memberId" = m.id AND d."idempotencyKey" = ${key})`;

interface Selection {
  /** Only members after this id (keyset), in id order. */
  after?: string;
  limit?: number;
  /** Only members this gift has not reached yet. */
  gift?: { id: string; kind: 'points' | 'reward' };
  /** 'count': count(*) as n; else the member columns. */
  count?: boolean;
}

const MEMBER_COLUMNS = `m.id, m."customerId", m.email, m."firstName", m."lastName"`;

/** The segment's members (one statement, the segment's own query), filtered and paged as `pick` says. */
async function recipients<T>(pool: pg.Pool, shop: string, t: Target, pick: Selection, now: Date): Promise<T[]> {
  const select = pick.count ? 'count(*)::int AS n' : MEMBER_COLUMNS;
  let text: string;
  const values: unknown[] = [shop];
  if (t.rfm) {
    values.push(t.rfm);
    text = `SELECT ${select} FROM "CustomerRfm" x JOIN ${memberJoin('x."customerKey"')} WHERE x.shop = $1 AND x.segment = $2`;
  } else {
    const { rows } = await pool.query<{ tz: string | null }>(`SELECT "ianaTimezone" AS tz FROM "Shop" WHERE domain = $1`, [shop]);
    const timeZone = rows[0]?.tz ?? 'UTC';
    values.push(timeZone, localToday(timeZone, now));
    const compiled = compileRules(t.rules!, 4);
    values.push(...compiled.values);
    text = membersQuery(compiled, select);
  }
  const param = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  if (pick.after !== undefined) text += ` AND m.id > ${param(pick.after)}::text`;
  if (pick.gift) text += ` AND ${notGiven(pick.gift.kind, `${param(giftKey(pick.gift.id, pick.gift.kind))}::text`)}`;
  if (!pick.count) text += ` ORDER BY m.id`;
  if (pick.limit !== undefined) text += ` LIMIT ${param(pick.limit)}::int`;
  return (await pool.query(text, values)).rows as T[];
}

/** A points gift's key is completed by the member's id; a reward gift's is the redemption's key (unique per member). */
const giftKey = (giftId: string, kind: 'points' | 'reward') => (kind === 'points' ? `gift:${giftId}:` : `gift:${giftId}`);

interface RewardRow {
  id: string;
  name: string;
  type: string;
  config: unknown;
}

/** The reward a gift gives, with what one costs: null when the shop cannot give it. */
async function givableReward(pool: pg.Pool, shop: string, rewardId: string) {
  const { rows } = await pool.query<RewardRow>(
    `SELECT id, name, type, config FROM "Reward" WHERE shop = $1 AND id = $2 AND enabled AND NOT system`,
    [shop, rewardId],
  );
  const reward = rows[0];
  if (!reward) return null;
  try {
    const cost = rewardCost(reward);
    return 'error' in cost ? null : { ...reward, points: cost.points, valueMinor: cost.valueMinor };
  } catch {
    return null;
  }
}

/** Who would get it (count and the first 10 by id) and what it costs; null: no such segment. Throws UngivableReward. */
export async function previewGift({ pool }: Deps, shop: string, segmentId: string, input: GiftInput, now = new Date()) {
  const t = await target(pool, shop, segmentId);
  if (!t) return null;
  const reward = input.kind === 'reward' ? await givableReward(pool, shop, input.rewardId) : null;
  if (input.kind === 'reward' && !reward) throw new UngivableReward();
  const [[counted], sample, shopRow] = await Promise.all([
    recipients<{ n: number }>(pool, shop, t, { count: true }, now),
    recipients<Record<string, unknown>>(pool, shop, t, { limit: 10 }, now),
    pool.query<{ currencyCode: string }>(`SELECT "currencyCode" FROM "Shop" WHERE domain = $1`, [shop]),
  ]);
  const count = counted?.n ?? 0;
  const each =
    input.kind === 'points' ? { points: input.points, valueMinor: null } : { points: reward!.points, valueMinor: reward!.valueMinor };
  return {
    segment: { id: t.id, name: t.name },
    kind: input.kind,
    reward: reward && { id: reward.id, name: reward.name },
    count,
    sample,
    // What it costs: the points given (a reward: its price in points) and, for a reward, its value in the shop's currency.
    cost: {
      pointsEach: each.points,
      points: each.points * count,
      valueMinorEach: each.valueMinor,
      valueMinor: each.valueMinor === null ? null : each.valueMinor * count,
      currencyCode: shopRow.rows[0]?.currencyCode ?? 'USD',
    },
  };
}

export interface GiftRow {
  id: string;
  shop: string;
  segmentId: string;
  kind: 'points' | 'reward';
  points: number | null;
  rewardId: string | null;
  note: string | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  done: number;
  createdAt: Date;
  finishedAt: Date | null;
}

export const giftJson = (g: GiftRow) => ({
  id: g.id,
  segmentId: g.segmentId,
  kind: g.kind,
  points: g.points,
  rewardId: g.rewardId,
  note: g.note,
  status: g.status,
  total: g.total,
  done: g.done,
  createdAt: g.createdAt.toISOString(),
  finishedAt: g.finishedAt?.toISOString() ?? null,
});

/**
 * Records the gift (queued, total = the segment's members now) and has `enqueue` start its job; null: no such
 * segment. Throws UngivableReward.
 */
export async function createGift(
  deps: Deps,
  shop: string,
  segmentId: string,
  input: GiftInput,
  enqueue: (giftId: string) => Promise<unknown>,
  now = new Date(),
): Promise<GiftRow | null> {
  const preview = await previewGift(deps, shop, segmentId, input, now);
  if (!preview) return null;
  const { rows } = await deps.pool.query<GiftRow>(
    `INSERT INTO "SegmentGift" (id, shop, "segmentId", kind, points, "rewardId", note, status, total)
     VALUES ('gift_' || replace(gen_random_uuid()::text, '-', ''), $1, $2, $3, $4, $5, $6, 'queued', $7) RETURNING *`,
    [
      shop,
      segmentId,
      input.kind,
      input.kind === 'points' ? input.points : null,
      input.kind === 'reward' ? input.rewardId : null,
      input.note ?? null,
      preview.count,
    ],
  );
  await enqueue(rows[0]!.id);
  return rows[0]!;
}

export async function findGift({ pool }: Deps, shop: string, id: string): Promise<GiftRow | null> {
  const { rows } = await pool.query<GiftRow>(`SELECT * FROM "SegmentGift" WHERE shop = $1 AND id = $2`, [shop, id]);
  return rows[0] ?? null;
}

export const GIFT_BATCH = 200;

const setStatus = (pool: pg.Pool, id: string, status: GiftRow['status'], finished: boolean) =>
  pool.query(`UPDATE "SegmentGift" SET status = $2, "finishedAt" = CASE WHEN $3 THEN now() END WHERE id = $1`, [id, status, finished]);

/**
 * Gives a queued gift (or goes on with one a crash or a failure left running): batches of members the gift has not
 * reached, each given in one transaction with the progress. A gift already done gives nothing more.
 */
export async function runGift(
  pool: pg.Pool,
  programs: { get(shop: string): Promise<LoadedProgram | null> },
  giftId: string,
  now = new Date(),
  batch = GIFT_BATCH,
): Promise<GiftRow | null> {
  const { rows } = await pool.query<GiftRow>(`SELECT * FROM "SegmentGift" WHERE id = $1`, [giftId]);
  const gift = rows[0];
  if (!gift || gift.status === 'done') return gift ?? null;
  const { shop } = gift;
  try {
    const t = await target(pool, shop, gift.segmentId);
    const program = await programs.get(shop);
    if (!t) throw new Error(`the segment ${gift.segmentId} no longer exists`);
    if (!program) throw new Error('the shop has no program switched on');
    if (gift.kind === 'reward' && !(await givableReward(pool, shop, gift.rewardId!)))
      throw new Error('the reward is no longer one the shop can give');
    const pick = { gift: { id: gift.id, kind: gift.kind } };
    const [left] = await recipients<{ n: number }>(pool, shop, t, { ...pick, count: true }, now);
    await pool.query(`UPDATE "SegmentGift" SET status = 'running', total = done + $2 WHERE id = $1`, [gift.id, left?.n ?? 0]);
    let after = '';
    for (;;) {
      const members = await recipients<{ id: string }>(pool, shop, t, { ...pick, after, limit: batch }, now);
      if (members.length === 0) break;
      await transaction(pool, (sql) => giveBatch(sql, program, gift, members, now));
      after = members[members.length - 1]!.id;
    }
    await setStatus(pool, gift.id, 'done', true);
  } catch (error) {
    await setStatus(pool, gift.id, 'failed', true);
    throw error;
  }
  return (await pool.query<GiftRow>(`SELECT * FROM "SegmentGift" WHERE id = $1`, [giftId])).rows[0]!;
}

/** Gives the gift to these members (those who have it already get nothing) and counts who got it now. */
async function giveBatch(sql: Sql, program: LoadedProgram, gift: GiftRow, members: ReadonlyArray<{ id: string }>, now: Date) {
  workUnder(sql, program);
  const events: DomainEvent<'gift.received'>[] = [];
  for (const { id: memberId } of members) {
    const data = {
      giftId: gift.id,
      segmentId: gift.segmentId,
      kind: gift.kind,
      points: gift.points,
      rewardId: gift.rewardId,
      redemptionId: null as string | null,
      note: gift.note,
    };
    if (gift.kind === 'points') {
      const written = await earn(sql, {
        shop: gift.shop,
        memberId,
        points: gift.points!,
        source: 'GIFT',
        sourceId: gift.id,
        reason: gift.note ?? 'gift',
        idempotencyKey: `${giftKey(gift.id, 'points')}${memberId}`,
        expiresAt: creditExpiresAt(now, program.settings.expiry),
        createdAt: now,
      });
      if (written === 'duplicate') continue;
    } else {
      const granted = await grantReward(
        sql,
        { shop: gift.shop, memberId, rewardId: gift.rewardId!, idempotencyKey: giftKey(gift.id, 'reward') },
        now,
      );
      if (!granted) continue;
      data.redemptionId = granted.id;
    }
    events.push({ type: 'gift.received', shop: gift.shop, memberId, cause: `gift:${gift.id}`, at: now, data });
  }
  await emitMany(sql, events);
  await sql.$executeRaw`UPDATE "SegmentGift" SET done = done + ${events.length} WHERE id = ${gift.id}`;
}
