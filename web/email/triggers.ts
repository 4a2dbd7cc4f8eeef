// What the email subscribers and jobs work out before recording a message: the day a digest belongs to, the rewards
// a balance newly covers, and the digest's figures when it goes.
import type { Sql } from '../db/sql.js';
import { rewardAccess } from '../loyalty/reward-access.js';
import type { AfterCommitContext } from '../events/subscriber.js';
import { emailMember } from './notify.js';
import { isoLocalDate, shopTimeZone } from './order-day.js';

/** A digest waits this long for the day's other orders before it goes. */
export const DIGEST_DELAY_MS = 30 * 60_000;
/** reward_unlocked: at most once per reward per member in this many days. */
export const UNLOCKED_QUIET_DAYS = 30;

/**
 * The member's rewards (enabled, not Tally's own, open to the member: their tier and segments, reward-access.ts) that
 * cost more than `before` and at most `after` points: the ones the balance just came to cover. A slider reward counts
 * with its minimum.
 */
export async function rewardsNewlyCovered(sql: Sql, shop: string, memberId: string, before: number, after: number) {
  if (after <= before) return [];
  const rows = await sql.$queryRaw<
    Array<{ id: string; name: string; cost: number; tierIds: string[]; segmentIds: string[]; tierId: string | null }>
  >`
    SELECT r.id, r.name, COALESCE((r.config->>'pointsCost')::bigint, (r.config->>'minPoints')::bigint) AS cost,
           r."tierIds", r."segmentIds", m."tierId"
    FROM "Reward" r JOIN "Member" m ON m.id = ${memberId} AND m.shop = r.shop
    WHERE r.shop = ${shop} AND r.enabled AND NOT r.system
      AND COALESCE((r.config->>'pointsCost')::bigint, (r.config->>'minPoints')::bigint) > ${before}
      AND COALESCE((r.config->>'pointsCost')::bigint, (r.config->>'minPoints')::bigint) <= ${after}
    ORDER BY cost, r.id`;
  if (rows.length === 0) return [];
  const access = await rewardAccess(sql, shop, { id: memberId, tierId: rows[0]!.tierId }, rows);
  return rows.filter((r) => access(r).eligible).map(({ id, name, cost }) => ({ id, name, cost }));
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
