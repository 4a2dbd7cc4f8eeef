// What the email subscribers and jobs work out before recording a message: the day a digest belongs to, the rewards
// a balance newly covers, and the digest's figures when it goes.
import type { Sql } from '../db/sql.js';
import type { AfterCommitContext } from '../events/subscriber.js';
import { emailMember } from './notify.js';
import { localDate } from '../loyalty/domain/time.js';
import { zonedInstant } from './schedule.js';

/** A digest waits this long for the day's other orders before it goes. */
export const DIGEST_DELAY_MS = 30 * 60_000;
/** reward_unlocked: at most once per reward per member in this many days. */
export const UNLOCKED_QUIET_DAYS = 30;

export async function shopTimeZone(sql: Sql, shop: string): Promise<string> {
  const [row] = await sql.$queryRaw<Array<{ tz: string }>>`SELECT "ianaTimezone" AS tz FROM "Shop" WHERE domain = ${shop}`;
  return row?.tz ?? 'UTC';
}

/** YYYY-MM-DD of `at` in the time zone. */
export function isoLocalDate(at: Date, timeZone: string): string {
  const d = localDate(at, timeZone);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** The points a member's orders earned (available or pending, not voided) on one shop-local day, and how many orders. */
export async function orderPointsOfDay(sql: Sql, shop: string, memberId: string, date: string, timeZone: string) {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const from = zonedInstant(timeZone, y, m, d, 0);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  const to = zonedInstant(timeZone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0);
  const [row] = await sql.$queryRaw<Array<{ points: number | null; orders: number }>>`
    SELECT sum(points)::bigint AS points, count(DISTINCT "orderId") AS orders
    FROM "PointEntry"
    WHERE shop = ${shop} AND "memberId" = ${memberId} AND kind = 'EARN' AND source = 'ORDER' AND status <> 'VOID'
      AND "createdAt" >= ${from} AND "createdAt" < ${to}`;
  return { points: Number(row?.points ?? 0), orders: Number(row?.orders ?? 0) };
}

/**
 * The member's rewards (enabled, not Tally's own, open to the member's tier) that cost more than `before` and at most
 * `after` points: the ones the balance just came to cover. A slider reward counts with its minimum.
 */
export async function rewardsNewlyCovered(sql: Sql, shop: string, memberId: string, before: number, after: number) {
  if (after <= before) return [];
  return sql.$queryRaw<Array<{ id: string; name: string; cost: number }>>`
    SELECT r.id, r.name, COALESCE((r.config->>'pointsCost')::bigint, (r.config->>'minPoints')::bigint) AS cost
    FROM "Reward" r JOIN "Member" m ON m.id = ${memberId} AND m.shop = r.shop
    WHERE r.shop = ${shop} AND r.enabled AND NOT r.system
      AND (cardinality(r."tierIds") = 0 OR m."tierId" = ANY (r."tierIds"))
      AND COALESCE((r.config->>'pointsCost')::bigint, (r.config->>'minPoints')::bigint) > ${before}
      AND COALESCE((r.config->>'pointsCost')::bigint, (r.config->>'minPoints')::bigint) <= ${after}
    ORDER BY cost, r.id`;
}

/** Whether the member was told about this reward (sent or on its way) in the last UNLOCKED_QUIET_DAYS days. */
export async function unlockedRecently(sql: Sql, shop: string, memberId: string, rewardId: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - UNLOCKED_QUIET_DAYS * 86_400_000);
  const [row] = await sql.$queryRaw<Array<{ found: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM "EmailSend"
                   WHERE shop = ${shop} AND "memberId" = ${memberId} AND key = 'reward_unlocked'
                     AND cause LIKE ${`reward:${rewardId}:%`} AND status IN ('queued', 'sending', 'sent')
                     AND "createdAt" >= ${since}) AS found`;
  return row?.found ?? false;
}

/** reward_unlocked for each reward the balance came to cover (from `before` to `after`), unless told within 30 days. */
export async function emailUnlockedRewards(
  ctx: AfterCommitContext,
  event: { id: string; shop: string; memberId: string; at: Date },
  before: number,
  after: number,
): Promise<void> {
  if (!ctx.mail) return;
  for (const reward of await rewardsNewlyCovered(ctx.sql, event.shop, event.memberId, before, after)) {
    if (await unlockedRecently(ctx.sql, event.shop, event.memberId, reward.id, new Date())) continue;
    await emailMember(ctx, {
      shop: event.shop,
      memberId: event.memberId,
      key: 'reward_unlocked',
      cause: `reward:${reward.id}:event:${event.id}`,
      data: { reward: { name: reward.name, cost: Number(reward.cost) } },
    });
  }
}

/** The day's points_earned digest: one per member per shop-local day, whichever order's event comes first. */
export async function emailOrderDigest(ctx: AfterCommitContext, event: { shop: string; memberId: string; at: Date }): Promise<void> {
  if (!ctx.mail) return;
  const date = isoLocalDate(event.at, await shopTimeZone(ctx.sql, event.shop));
  await emailMember(ctx, {
    shop: event.shop,
    memberId: event.memberId,
    key: 'points_earned',
    cause: `digest:${date}`,
    data: { digest: { date } },
    delayMs: DIGEST_DELAY_MS,
  });
}
