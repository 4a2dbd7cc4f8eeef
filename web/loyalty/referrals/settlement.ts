// A referral's life once the friend orders, riding on the order's own
// settlement (web/loyalty/order-points.ts) so it commits with the order:
//  - qualify: the friend's first paid order (it used the friend's code, or
//    carries the referral cart attributes) runs the fraud rules and limits
//    under a lock on the referrer's code row, so parallel orders for one
//    referrer count each other exactly; → PENDING or BLOCKED with a reason;
//  - reward: when the order's pending period ends (the subscriber
//    web/subscribers/order.released/reward-referral.ts), the referrer's
//    points are earned (same transaction, idempotency key per referral);
//  - cancel: the friend's order cancelled or fully refunded → no reward, or
//    the reward taken back if it was given (referral.reversed).
import type { Sql } from '../../db/sql.js';
import type { OrderFacts } from '../domain/order-facts.js';
import { grantReward } from '../redemptions.js';
import { blockReasons, type BlockReason } from '../domain/referrals/fraud.js';
import { creditExpiresAt, parseProgramSettings } from '../domain/program.js';
import { startOfMonth } from '../domain/time.js';
import { clawBack, earn } from '../ledger.js';
import { emit } from '../../events/emit.js';
import type { LoadedProgram } from '../program.js';
import { workUnder } from '../working-program.js';

export interface ReferralRow {
  id: string;
  shop: string;
  referrerId: string;
  code: string;
  status: 'VISITED' | 'PENDING' | 'REWARDED' | 'BLOCKED' | 'REJECTED' | 'CANCELLED' | 'REVERSED';
  reason: string | null;
  deviceId: string | null;
  friendCustomerId: string | null;
  friendMemberId: string | null;
  friendEmail: string | null;
  offerCode: string | null;
  offerShopifyId: string | null;
  offerError: string | null;
  orderId: string | null;
  rewardPoints: number;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
}

const DAY = 86_400_000;

/** Whether an order could belong to a referral at all (saves a query on ordinary orders). */
export const mayBeReferred = (facts: OrderFacts) => facts.discountCodes.length > 0 || Boolean(facts.referral?.code);

async function referralForOrder(tx: Sql, shop: string, facts: OrderFacts): Promise<ReferralRow | null> {
  const codes = facts.discountCodes.map((c) => c.trim().toUpperCase());
  const rows = await tx.$queryRaw<ReferralRow[]>`
    SELECT * FROM "Referral"
    WHERE shop = ${shop} AND ("offerCode" = ANY(${codes}::text[])
      OR (code = ${facts.referral?.code ?? null} AND "deviceId" = ${facts.referral?.deviceId ?? null}))
    ORDER BY ("offerCode" = ANY(${codes}::text[])) DESC NULLS LAST
    LIMIT 1`;
  return rows[0] ?? null;
}

interface Signals {
  customerId: string;
  email: string | null;
  addressKeys: string[];
  deviceIds: string[];
  lastDay: number;
  thisMonth: number;
  orderedBefore: boolean;
}

/**
 * Everything the fraud rules need, in one statement: the referrer's identity,
 * addresses and devices, their referrals qualified in the last day and this
 * month, and whether the friend ordered before this order (by account, or by
 * email — as stored, lower-case, so the (shop, email) index answers).
 */
async function signalsFor(
  tx: Sql,
  shop: string,
  referrerId: string,
  friend: { memberId: string; email: string | null; orderId: string; processedAt: Date },
  since: { day: Date; month: Date },
): Promise<Signals> {
  const [row] = await tx.$queryRaw<Signals[]>`
    SELECT m."customerId", m.email,
      ARRAY(SELECT DISTINCT o.facts->>'shippingAddressKey' FROM "Order" o
            WHERE o.shop = m.shop AND o."memberId" = m.id AND o.facts->>'shippingAddressKey' IS NOT NULL) AS "addressKeys",
      ARRAY(SELECT d."deviceId" FROM "MemberDevice" d WHERE d.shop = m.shop AND d."memberId" = m.id) AS "deviceIds",
      (SELECT count(*) FROM "Referral" r WHERE r.shop = m.shop AND r."referrerId" = m.id AND r.status IN ('PENDING', 'REWARDED') AND r."qualifiedAt" > ${since.day})::int AS "lastDay",
      (SELECT count(*) FROM "Referral" r WHERE r.shop = m.shop AND r."referrerId" = m.id AND r.status IN ('PENDING', 'REWARDED') AND r."qualifiedAt" >= ${since.month})::int AS "thisMonth",
      EXISTS (
        SELECT 1 FROM "Order" o JOIN "Member" f ON f.id = o."memberId"
        WHERE o.shop = m.shop AND o."orderId" <> ${friend.orderId} AND o."processedAt" < ${friend.processedAt}
          AND f.shop = m.shop AND (f.id = ${friend.memberId} OR f.email = ${friend.email})
      ) AS "orderedBefore"
    FROM "Member" m WHERE m.id = ${referrerId} AND m.shop = ${shop}`;
  if (!row) throw new Error(`Referrer ${referrerId} is not a member of ${shop}`);
  return row;
}

export interface FriendOrder {
  orderId: string;
  /** The friend's member (the order's). */
  memberId: string;
  facts: OrderFacts;
  email: string | null;
}

/** Qualifies (or blocks) the referral the friend's paid order belongs to; see the file comment. */
export async function qualifyReferral(
  tx: Sql,
  program: LoadedProgram,
  order: FriendOrder,
  now: Date,
): Promise<{ referralId: string; status: 'PENDING' | 'BLOCKED'; reason: BlockReason | null } | null> {
  const settings = program.settings.referrals;
  const shop = program.shop;
  if (!settings.enabled || !mayBeReferred(order.facts)) return null;
  const referral = await referralForOrder(tx, shop, order.facts);
  if (!referral || referral.status !== 'VISITED' || referral.orderId) return null;
  // One referrer's qualifications take turns: the limits count what the others committed.
  await tx.$queryRaw`SELECT 1 FROM "ReferralCode" WHERE shop = ${shop} AND "memberId" = ${referral.referrerId} FOR UPDATE`;
  const email = order.email?.trim().toLowerCase() ?? null;
  const signals = await signalsFor(
    tx,
    shop,
    referral.referrerId,
    { memberId: order.memberId, email, orderId: order.orderId, processedAt: order.facts.processedAt },
    {
      day: new Date(now.getTime() - DAY),
      month: startOfMonth(now, program.timeZone),
    },
  );
  const reasons = blockReasons({
    referrer: signals,
    friend: {
      customerId: order.facts.customerId,
      email,
      addressKey: order.facts.shippingAddressKey ?? null,
      deviceIds: [referral.deviceId, order.facts.referral?.deviceId].filter((d): d is string => Boolean(d)),
    },
    friendIsExistingCustomer: signals.orderedBefore,
    qualifiedLastDay: signals.lastDay,
    qualifiedThisMonth: signals.thisMonth,
    limits: settings,
  });
  const reason = reasons[0] ?? null;
  const status = reason ? 'BLOCKED' : 'PENDING';
  const updated = await tx.$executeRaw`
    UPDATE "Referral" SET status = ${status}::"ReferralStatus", reason = ${reason}, "orderId" = ${order.orderId},
      "friendCustomerId" = ${order.facts.customerId}, "friendMemberId" = ${order.memberId}, "friendEmail" = ${email},
      "rewardPoints" = ${settings.referrerPoints}, "qualifiedAt" = ${now}, "updatedAt" = now()
    WHERE id = ${referral.id} AND status = 'VISITED' AND "orderId" IS NULL`;
  if (updated === 0) return null;
  if (status === 'PENDING') {
    const data = { referralId: referral.id, orderId: order.orderId };
    await emit(tx, { type: 'referral.friend_joined', shop, memberId: referral.referrerId, cause: `order:${order.orderId}`, at: now, data });
  }
  return { referralId: referral.id, status, reason };
}

/**
 * Gives the referrer their points for a PENDING referral of this order; once.
 * The program (null: read the referral settings stored) is what the points'
 * own reactions work under: the referrer's tier review, as for any points earned.
 */
export async function rewardReferral(
  tx: Sql,
  shop: string,
  orderId: string,
  now: Date,
  program: LoadedProgram | null = null,
): Promise<number> {
  workUnder(tx, program);
  const rows = await tx.$queryRaw<Array<{ id: string; referrerId: string; rewardPoints: number }>>`
    UPDATE "Referral" SET status = 'REWARDED', "rewardedAt" = ${now}, "updatedAt" = now()
    WHERE shop = ${shop} AND "orderId" = ${orderId} AND status = 'PENDING'
    RETURNING id, "referrerId", "rewardPoints"`;
  const referral = rows[0];
  if (!referral) return 0;
  const settings = program ? program.settings : await storedSettings(tx, shop);
  const gift = settings?.referrals.referrerRewardId;
  // A reward from the catalogue, issued after commit (reward.granted/issue-reward) like any other; once per referral.
  const granted = gift
    ? await grantReward(tx, { shop, memberId: referral.referrerId, rewardId: gift, idempotencyKey: `referral:${referral.id}:gift` }, now)
    : null;
  const completed = { type: 'referral.completed', shop, memberId: referral.referrerId, cause: `order:${orderId}`, at: now } as const;
  if (granted) await emit(tx, { ...completed, data: { referralId: referral.id, redemptionId: granted.id, orderId } });
  if (referral.rewardPoints <= 0) return 0;
  const expiry = settings?.expiry ?? null;
  await earn(tx, {
    shop,
    memberId: referral.referrerId,
    points: referral.rewardPoints,
    source: 'REFERRAL',
    sourceId: referral.id,
    idempotencyKey: `referral:${referral.id}:reward`,
    reason: 'A friend you referred placed their first order',
    createdAt: now,
    expiresAt: expiry ? creditExpiresAt(now, expiry) : null,
  });
  await emit(tx, { ...completed, data: { referralId: referral.id, points: referral.rewardPoints, orderId } });
  return referral.rewardPoints;
}

/** The shop's expiry policy read in the transaction, for callers without the program. */
async function storedSettings(tx: Sql, shop: string) {
  const [row] = await tx.$queryRaw<Array<{ settings: unknown }>>`SELECT settings FROM "Program" WHERE shop = ${shop}`;
  const settings = parseProgramSettings(row?.settings);
  return settings.ok ? settings.value : null;
}

/**
 * The friend's order was cancelled or refunded in full: a referral not yet
 * rewarded is cancelled; a rewarded one is reversed and its points taken back
 * (under the program's negative-balance policy, like any clawback).
 */
export async function cancelReferral(
  tx: Sql,
  program: LoadedProgram,
  orderId: string,
  why: 'order_cancelled' | 'order_refunded',
  now: Date,
): Promise<void> {
  const shop = program.shop;
  const rows = await tx.$queryRaw<Array<{ id: string; referrerId: string; rewardPoints: number; was: string }>>`
    WITH old AS (
      SELECT id, status FROM "Referral" WHERE shop = ${shop} AND "orderId" = ${orderId} AND status IN ('PENDING', 'REWARDED', 'BLOCKED') FOR UPDATE
    )
    UPDATE "Referral" r SET status = (CASE WHEN old.status = 'REWARDED' THEN 'REVERSED' ELSE 'CANCELLED' END)::"ReferralStatus",
      reason = ${why}, "updatedAt" = now()
    FROM old WHERE r.id = old.id
    RETURNING r.id, r."referrerId", r."rewardPoints", old.status::text AS was`;
  const referral = rows[0];
  if (!referral || referral.was !== 'REWARDED') return;
  await emit(tx, {
    type: 'referral.reversed',
    shop,
    memberId: referral.referrerId,
    cause: `order:${orderId}`,
    at: now,
    data: { referralId: referral.id, orderId },
  });
  // A gift not yet issued is never issued; an issued code expires now (the expiry job disables it in Shopify).
  // Store credit already credited cannot be taken back here.
  await tx.$executeRaw`
    UPDATE "Redemption" SET status = CASE WHEN status = 'PENDING' THEN 'FAILED'::"RedemptionStatus" ELSE status END,
      error = CASE WHEN status = 'PENDING' THEN ${why} ELSE error END,
      "expiresAt" = CASE WHEN status = 'ISSUED' AND code IS NOT NULL THEN ${now}::timestamp ELSE "expiresAt" END
    WHERE shop = ${shop} AND "memberId" = ${referral.referrerId} AND "idempotencyKey" = ${`referral:${referral.id}:gift`}`;
  if (referral.rewardPoints <= 0) return;
  await clawBack(tx, {
    shop,
    memberId: referral.referrerId,
    points: referral.rewardPoints,
    status: 'AVAILABLE',
    policy: program.settings.negativeBalance,
    source: 'REFERRAL',
    sourceId: referral.id,
    idempotencyKey: `referral:${referral.id}:reversal`,
    reason: why === 'order_cancelled' ? "The referred friend's order was cancelled" : "The referred friend's order was refunded",
    createdAt: now,
  });
}
