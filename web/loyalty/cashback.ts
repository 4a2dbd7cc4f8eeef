// Automatic cashback (rule type 'cashback'): when an order's pending period
// ends, a percentage of its earn base net of refunds is credited to the
// customer as Shopify store credit. It rides on the redemption machinery — a
// PENDING redemption of a system store-credit reward, worth the cashback and
// costing no points — credited right after commit by cashback.paid's
// subscriber (cashback.paid/issue-store-credit) and retried by the issue job,
// with the same throttling and "never both lost and paid" rules as any reward.
import type { Sql } from '../db/sql.js';
import { emit } from '../events/emit.js';
import { inWindow } from './domain/rules/index.js';
import { cashbackConfig, cashbackMinor } from './domain/rules/cashback.js';
import { rewardType } from './domain/rewards/index.js';
import { insertRedemption, type RedemptionRow } from './redemptions.js';
import type { LoadedProgram } from './program.js';

export const cashbackRewardId = (shop: string) => `cashback:${shop}`;

/** The order as the release reads it. */
export interface ReleasedOrder {
  orderId: string;
  memberId: string | null;
  spentMinor: number;
  processedAt: Date;
}

/** Credits the order's cashback once (keyed by the order); null when there is none to pay. */
export async function payCashback(sql: Sql, program: LoadedProgram, order: ReleasedOrder, now: Date): Promise<RedemptionRow | null> {
  const rules = program.rules.filter((r) => r.type === 'cashback' && inWindow(r, order.processedAt));
  if (rules.length === 0 || !order.memberId) return null;
  const configs = rules.map((r) => cashbackConfig.parse(r.config));
  const amount = configs.reduce((sum, c) => sum + cashbackMinor(c, order.spentMinor), 0);
  if (amount <= 0) return null;
  const [member] = await sql.$queryRaw<Array<{ customerId: string; currencyCode: string }>>`
    SELECT m."customerId", s."currencyCode" FROM "Member" m JOIN "Shop" s ON s.domain = m.shop WHERE m.id = ${order.memberId}`;
  // Store credit needs a customer account: guests and erased customers get none.
  if (!member?.customerId.startsWith('gid://shopify/Customer/')) return null;
  const config = { pointsCost: 1, amountMinor: 1, expiresInDays: configs[0]!.expiresInDays };
  const rewardId = cashbackRewardId(program.shop);
  await sql.$executeRaw`
    INSERT INTO "Reward" (id, shop, type, name, config, enabled, system, "updatedAt")
    VALUES (${rewardId}, ${program.shop}, 'store-credit', 'Cashback', ${JSON.stringify(config)}::jsonb, false, true, now())
    ON CONFLICT (id) DO UPDATE SET config = EXCLUDED.config, "updatedAt" = now()`;
  const row = await insertRedemption(
    sql,
    {
      id: crypto.randomUUID(),
      shop: program.shop,
      memberId: order.memberId,
      reward: {
        id: rewardId,
        type: 'store-credit',
        name: 'Cashback',
        config,
        tierIds: [],
        segmentIds: [],
        limitPerMember: null,
        enabled: false,
      },
      type: rewardType('store-credit')!,
      config,
      points: 0,
      valueMinor: amount,
      currencyCode: member.currencyCode,
      idempotencyKey: `cashback:${order.orderId}`,
    },
    now,
  );
  if (row) {
    const data = { orderId: order.orderId, amountMinor: amount, redemptionId: row.id };
    await emit(sql, {
      type: 'cashback.paid',
      shop: program.shop,
      memberId: order.memberId,
      cause: `order:${order.orderId}`,
      at: now,
      data,
    });
  }
  return row ?? null;
}

/**
 * A refund after the cashback was paid takes back its share of what is still
 * credited: the order counted `before` and now counts `after`, so
 * (before − after) / before of the outstanding cashback (rounded so the
 * customer keeps the odd minor unit). Recorded in the refund's transaction;
 * cashback.reversed/take-back-store-credit debits Shopify after commit (the
 * issue job retries), and cashback.taken_back says when it is settled. Once per delivery key: a repeated refund
 * changes nothing.
 */
export async function reverseCashback(
  sql: Sql,
  program: LoadedProgram,
  order: { orderId: string; memberId: string },
  counted: { before: number; after: number },
  key: string,
  now: Date,
): Promise<{ id: string; amountMinor: number } | null> {
  if (counted.before <= 0 || counted.after >= counted.before) return null;
  const [paid] = await sql.$queryRaw<Array<{ valueMinor: number; currencyCode: string; reversed: number }>>`
    SELECT d."valueMinor", d."currencyCode",
      (SELECT COALESCE(sum(b."amountMinor"), 0)::bigint FROM "StoreCreditDebit" b WHERE b.shop = d.shop AND b."orderId" = ${order.orderId}) AS reversed
    FROM "Redemption" d
    WHERE d.shop = ${program.shop} AND d."memberId" = ${order.memberId} AND d."idempotencyKey" = ${`cashback:${order.orderId}`} AND d.status <> 'FAILED'`;
  if (!paid) return null;
  const outstanding = paid.valueMinor - paid.reversed;
  const kept = Math.ceil((outstanding * Math.max(counted.after, 0)) / counted.before);
  const amount = outstanding - kept;
  if (amount <= 0) return null;
  const [row] = await sql.$queryRaw<Array<{ id: string }>>`
    INSERT INTO "StoreCreditDebit" (id, shop, "memberId", "orderId", "amountMinor", "currencyCode", "idempotencyKey", "createdAt")
    VALUES (${crypto.randomUUID()}, ${program.shop}, ${order.memberId}, ${order.orderId}, ${amount}, ${paid.currencyCode}, ${`cashback-reversal:${order.orderId}:${key}`}, ${now})
    ON CONFLICT (shop, "idempotencyKey") DO NOTHING
    RETURNING id`;
  if (!row) return null;
  const data = { orderId: order.orderId, amountMinor: amount, debitId: row.id };
  await emit(sql, {
    type: 'cashback.reversed',
    shop: program.shop,
    memberId: order.memberId,
    cause: `order:${order.orderId}`,
    at: now,
    data,
  });
  return { id: row.id, amountMinor: amount };
}
