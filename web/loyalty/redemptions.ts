// Redemptions: points turned into a reward. Two steps, so points are never
// both spent and lost:
//  1. start(): one transaction checks eligibility, debits the points with the
//     ledger's guarded update (never below zero) and records the redemption
//     as PENDING with its code already chosen;
//  2. issue(): asks Shopify for the discount (or store credit). Success marks
//     it ISSUED. A temporary failure leaves it PENDING for the issue job to
//     retry with backoff; a final failure gives the points back (a reversal
//     entry) and marks it FAILED. A retry first asks Shopify whether the code
//     already exists, so a discount is never created twice.
import type pg from 'pg';
import { transaction, type Sql } from '../db/sql.js';
import { NotEnoughPoints, redeem, refundRedemption } from './ledger.js';
import { emit } from '../events/emit.js';
import { rewardType } from './domain/rewards/index.js';
import { generateDiscountCode } from './domain/rewards/code.js';
import { DISCOUNT_CODE_DEACTIVATE, discountIdVariables, discountVariables, storeCreditVariables } from '../shopify/operations/discounts.js';
import { CODE_DISCOUNT_BY_CODE, VARIANT_PRICE } from '../shopify/operations/lookups.js';
import { parseMoney } from './domain/money.js';
import { ShopifyAdminError, ShopifyThrottledError, userErrorsOf, type AdminClient } from '../shopify/admin.js';

export type RefusalCode = 'INSUFFICIENT_POINTS' | 'NOT_ELIGIBLE' | 'LIMIT_REACHED' | 'REWARD_DISABLED' | 'INVALID_POINTS' | 'NOT_FOUND';

export class RedemptionRefused extends Error {
  constructor(readonly code: RefusalCode, message: string) {
    super(message);
  }
}

export interface RedemptionRow {
  id: string;
  shop: string;
  memberId: string;
  rewardId: string;
  status: 'PENDING' | 'ISSUED' | 'USED' | 'FAILED' | 'EXPIRED';
  points: number;
  valueMinor: number;
  currencyCode: string;
  code: string | null;
  shopifyId: string | null;
  error: string | null;
  attempts: number;
  expiresAt: Date | null;
}

export interface RewardRow {
  id: string;
  type: string;
  name: string;
  config: unknown;
  tierIds: string[];
  limitPerMember: number | null;
  enabled: boolean;
}

export interface StartInput {
  shop: string;
  customerId: string;
  rewardId: string;
  points?: number;
  idempotencyKey: string;
  currencyCode: string;
}

const DAY = 86_400_000;

/** Step 1: debit and record, or refuse with a code. The same key returns the same redemption. */
export async function startRedemption(pool: pg.Pool, input: StartInput, now = new Date()): Promise<RedemptionRow> {
  return transaction(pool, async (sql) => {
    const [member] = await sql.$queryRaw<Array<{ id: string; tierId: string | null }>>`
      SELECT id, "tierId" FROM "Member" WHERE shop = ${input.shop} AND "customerId" = ${input.customerId} FOR UPDATE`;
    if (!member) throw new RedemptionRefused('NOT_ELIGIBLE', 'Join the program to redeem rewards');
    const [again] = await sql.$queryRaw<RedemptionRow[]>`
      SELECT * FROM "Redemption" WHERE shop = ${input.shop} AND "memberId" = ${member.id} AND "idempotencyKey" = ${input.idempotencyKey}`;
    if (again) return again;

    const [reward] = await sql.$queryRaw<RewardRow[]>`SELECT * FROM "Reward" WHERE shop = ${input.shop} AND id = ${input.rewardId}`;
    if (!reward) throw new RedemptionRefused('NOT_FOUND', 'No such reward');
    if (!reward.enabled) throw new RedemptionRefused('REWARD_DISABLED', 'This reward is no longer available');
    // VIP-only rewards: the tier the member holds now (stored; upgrades are written as they happen).
    if (reward.tierIds.length > 0 && (member.tierId === null || !reward.tierIds.includes(member.tierId))) {
      throw new RedemptionRefused('NOT_ELIGIBLE', 'This reward is for members of a higher tier');
    }
    if (reward.limitPerMember !== null) {
      const [{ used }] = (await sql.$queryRaw<Array<{ used: number }>>`
        SELECT count(*)::int AS used FROM "Redemption"
        WHERE shop = ${input.shop} AND "memberId" = ${member.id} AND "rewardId" = ${reward.id} AND status <> 'FAILED'`) as [{ used: number }];
      if (used >= reward.limitPerMember) throw new RedemptionRefused('LIMIT_REACHED', 'You have redeemed this reward as often as it allows');
    }
    const type = rewardType(reward.type);
    if (!type) throw new RedemptionRefused('REWARD_DISABLED', 'This reward is no longer available');
    const parsedConfig = type.config.safeParse(reward.config);
    if (!parsedConfig.success) throw new RedemptionRefused('REWARD_DISABLED', 'This reward is misconfigured');
    const cost = type.cost(parsedConfig.data as never, { points: input.points });
    if ('error' in cost) throw new RedemptionRefused('INVALID_POINTS', cost.message);

    const id = crypto.randomUUID();
    try {
      await redeem(sql, { shop: input.shop, memberId: member.id, points: cost.points, sourceId: id, idempotencyKey: `redemption:${id}`, createdAt: now });
    } catch (error) {
      if (error instanceof NotEnoughPoints) throw new RedemptionRefused('INSUFFICIENT_POINTS', 'Not enough points for this reward');
      throw error;
    }
    const row = await insertRedemption(sql, { shop: input.shop, memberId: member.id, id, reward, type, config: parsedConfig.data, points: cost.points, valueMinor: cost.valueMinor, currencyCode: input.currencyCode, idempotencyKey: input.idempotencyKey }, now);
    await emit(sql, { type: 'reward.redeemed', shop: input.shop, memberId: member.id, cause: `redemption:${id}`, at: now, data: { redemptionId: id, rewardId: reward.id, points: cost.points } });
    return row;
  });
}

export interface NewRedemption {
  id: string;
  shop: string;
  memberId: string;
  reward: RewardRow;
  type: NonNullable<ReturnType<typeof rewardType>>;
  config: unknown;
  points: number;
  valueMinor: number;
  currencyCode: string;
  idempotencyKey: string;
}

/** Records a PENDING redemption with its code chosen (and a donation's event); the same key records nothing new. */
export async function insertRedemption(sql: Sql, r: NewRedemption, now: Date): Promise<RedemptionRow> {
  const code = r.type.issue === 'discount-code' || r.type.issue === 'free-shipping-code' ? generateDiscountCode() : null;
  const expiresInDays = (r.config as { codeExpiresInDays?: number | null }).codeExpiresInDays ?? null;
  const [row] = await sql.$queryRaw<RedemptionRow[]>`
    INSERT INTO "Redemption" (id, shop, "memberId", "rewardId", status, points, "valueMinor", "currencyCode", code, "idempotencyKey", "expiresAt")
    VALUES (${r.id}, ${r.shop}, ${r.memberId}, ${r.reward.id}, 'PENDING', ${r.points}, ${r.valueMinor}, ${r.currencyCode}, ${code},
            ${r.idempotencyKey}, ${expiresInDays ? new Date(now.getTime() + expiresInDays * DAY) : null})
    ON CONFLICT (shop, "memberId", "idempotencyKey") DO NOTHING
    RETURNING *`;
  if (row && r.type.issue === 'donation') {
    const data = { redemptionId: r.id, valueMinor: r.valueMinor, cause: (r.config as { cause?: string }).cause ?? null };
    await emit(sql, { type: 'reward.donated', shop: r.shop, memberId: r.memberId, cause: `redemption:${r.id}`, at: now, data });
  }
  return row!;
}

/**
 * A reward given, not bought (a VIP tier's entry reward): PENDING with no
 * points, issued by the issue job like any other. Returns null when the
 * reward is missing, disabled or has no fixed value; the same key grants once.
 */
export async function grantReward(sql: Sql, g: { shop: string; memberId: string; rewardId: string; idempotencyKey: string }, now = new Date()): Promise<RedemptionRow | null> {
  const [reward] = await sql.$queryRaw<RewardRow[]>`SELECT * FROM "Reward" WHERE shop = ${g.shop} AND id = ${g.rewardId}`;
  const type = reward?.enabled ? rewardType(reward.type) : undefined;
  const config = type?.config.safeParse(reward!.config);
  if (!reward || !type || !config?.success) return null;
  const cost = type.cost(config.data as never, {});
  if ('error' in cost) return null;
  const [shop] = await sql.$queryRaw<Array<{ currencyCode: string }>>`SELECT "currencyCode" FROM "Shop" WHERE domain = ${g.shop}`;
  const row = await insertRedemption(sql, { ...g, id: crypto.randomUUID(), reward, type, config: config.data, points: 0, valueMinor: cost.valueMinor, currencyCode: shop?.currencyCode ?? 'USD' }, now);
  if (row) {
    const data = { redemptionId: row.id, rewardId: reward.id, reason: g.idempotencyKey };
    await emit(sql, { type: 'reward.granted', shop: g.shop, memberId: g.memberId, cause: `redemption:${row.id}`, at: now, data });
  }
  return row ?? null;
}

export type IssueOutcome = 'issued' | 'retry' | 'failed' | 'review';

/** Attempts before a redemption fails and its points come back (the job retries with backoff in between). */
export const MAX_ATTEMPTS = 6;

/** Step 2: create the Shopify discount or credit for a PENDING redemption. Safe to call again. */
export async function issueRedemption(pool: pg.Pool, admin: AdminClient | null, redemptionId: string, options: { finalAttempt?: boolean } = {}): Promise<IssueOutcome> {
  const [r] = await pgRows<RedemptionRow & { type: string; config: unknown; name: string; customerId: string }>(pool, `
    SELECT d.*, w.type, w.config, w.name, m."customerId" FROM "Redemption" d
    JOIN "Reward" w ON w.id = d."rewardId" JOIN "Member" m ON m.id = d."memberId" WHERE d.id = $1`, [redemptionId]);
  if (!r || r.status !== 'PENDING') return r?.status === 'FAILED' ? 'failed' : 'issued';
  // Shopify may have credited it already: only an admin's review lets it go further.
  if (r.error === 'needs review') return 'review';
  const type = rewardType(r.type);
  if (type?.issue === 'donation') return markIssued(pool, r.id, null);
  if (!admin || !type) return fail(pool, r, 'Tally cannot reach Shopify for this shop');
  try {
    if (r.code && r.attempts > 0) {
      // Did an earlier attempt succeed without us seeing the answer?
      const existing = await admin.request<{ codeDiscountNodeByCode: { id: string } | null }>(r.shop, CODE_DISCOUNT_BY_CODE, { code: r.code });
      if (existing.data.codeDiscountNodeByCode) return markIssued(pool, r.id, existing.data.codeDiscountNodeByCode.id);
    }
    let valueMinor = r.valueMinor;
    if (r.type === 'free-product') {
      const { variantId } = r.config as { variantId: string };
      const variant = await admin.request<{ productVariant: { price: string } | null }>(r.shop, VARIANT_PRICE, { id: variantId.startsWith('gid://') ? variantId : `gid://shopify/ProductVariant/${variantId}` });
      if (!variant.data.productVariant) return fail(pool, r, 'The free product is no longer for sale');
      valueMinor = parseMoney(variant.data.productVariant.price, r.currencyCode);
    }
    const ctx = { code: r.code ?? '', customerId: r.customerId, title: `${r.name} — Tally`, startsAt: new Date(), currency: r.currencyCode, valueMinor };
    const op = type.issue === 'store-credit' ? storeCreditVariables(r.config, ctx) : discountVariables(r.type, r.config, ctx);
    const res = await admin.request<Record<string, unknown>>(r.shop, op.document, op.variables);
    const payload = res.data[op.field] as Record<string, unknown> | undefined;
    const errors = userErrorsOf(payload);
    if (errors.length > 0) return fail(pool, r, errors.map((e) => e.message).join('; '));
    return markIssued(pool, r.id, shopifyIdOf(payload));
  } catch (error) {
    const message = (error as Error).message;
    // The rate limit is not a failure: wait for the bucket, without spending an attempt.
    if (error instanceof ShopifyThrottledError) return 'retry';
    const retryable = error instanceof ShopifyAdminError ? error.retryable : true;
    // Store credit has no code to look up: after an answer lost in transit it may
    // or may not have been credited, so neither retry nor refund — an admin decides.
    if (type.issue === 'store-credit' && error instanceof ShopifyAdminError && error.mayHaveApplied) {
      await pool.query(`UPDATE "Redemption" SET attempts = attempts + 1, error = 'needs review' WHERE id = $1`, [r.id]);
      return 'review';
    }
    const finalAttempt = options.finalAttempt ?? r.attempts + 1 >= MAX_ATTEMPTS;
    if (retryable && !finalAttempt) {
      await pool.query(`UPDATE "Redemption" SET attempts = attempts + 1, error = $2 WHERE id = $1`, [r.id, message.slice(0, 500)]);
      return 'retry';
    }
    return fail(pool, r, message);
  }
}

function shopifyIdOf(payload: Record<string, unknown> | undefined): string | null {
  const node = (payload?.codeDiscountNode ?? payload?.storeCreditAccountTransaction) as { id?: string } | undefined;
  return node?.id ?? null;
}

async function pgRows<T>(pool: pg.Pool, text: string, values: unknown[]): Promise<T[]> {
  return (await pool.query(text, values)).rows as T[];
}

async function markIssued(pool: pg.Pool, id: string, shopifyId: string | null): Promise<IssueOutcome> {
  await pool.query(`UPDATE "Redemption" SET status = 'ISSUED', "shopifyId" = $2, "issuedAt" = now(), error = NULL WHERE id = $1 AND status = 'PENDING'`, [id, shopifyId]);
  return 'issued';
}

/** Gives the points back and marks the redemption failed, once. */
async function fail(pool: pg.Pool, r: RedemptionRow, reason: string): Promise<IssueOutcome> {
  await transaction(pool, async (sql: Sql) => {
    const updated = await sql.$executeRaw`
      UPDATE "Redemption" SET status = 'FAILED', error = ${reason.slice(0, 500)} WHERE id = ${r.id} AND status = 'PENDING'`;
    // A granted reward (no points) has nothing to give back.
    if (updated === 1 && r.points > 0) {
      await refundRedemption(sql, { shop: r.shop, memberId: r.memberId, points: r.points, sourceId: r.id, idempotencyKey: `redemption:${r.id}:refund` });
    }
  });
  return 'failed';
}

/** What an admin found in Shopify about a store credit whose answer was lost ("needs review"). */
export type ReviewOutcome = 'credited' | 'retry' | 'return-points';

/** A review asked for something that is not waiting for one (missing: no such record in the shop). */
export class NotUnderReview extends Error {
  constructor(message: string, readonly missing = false) {
    super(message);
  }
}

/**
 * Settles a redemption held for review after Shopify's answer was lost:
 * the admin saw the credit in Shopify (issued), or saw none and has Tally
 * try again or give the points back. Only a redemption under review moves.
 */
export async function resolveReview(pool: pg.Pool, shop: string, id: string, outcome: ReviewOutcome, actor: string | null): Promise<IssueOutcome> {
  const [r] = await pgRows<RedemptionRow>(pool, `SELECT * FROM "Redemption" WHERE id = $1 AND shop = $2`, [id, shop]);
  if (!r) throw new NotUnderReview('No such redemption', true);
  if (r.status !== 'PENDING' || r.error !== 'needs review') throw new NotUnderReview(`This redemption is not waiting for a review (${r.status.toLowerCase()})`);
  const by = actor ? ` by ${actor}` : '';
  if (outcome === 'credited') return markIssued(pool, r.id, null);
  if (outcome === 'retry') {
    await pool.query(`UPDATE "Redemption" SET error = $2 WHERE id = $1 AND status = 'PENDING'`, [r.id, `retried after review${by}`]);
    return 'retry';
  }
  return fail(pool, r, `not credited in Shopify (reviewed${by}); points returned`);
}

/**
 * Start and, at once, try to issue: what the storefront and the admin both
 * do. Returns the redemption as it stands; one Shopify could not take now is
 * left PENDING for the issue job, which `enqueueIssue` wakes up.
 */
export async function redeemNow(
  deps: { pool: pg.Pool; admin: AdminClient | null; enqueueIssue: () => Promise<unknown> },
  input: StartInput,
): Promise<RedemptionRow> {
  const started = await startRedemption(deps.pool, input);
  if (started.status !== 'PENDING') return started;
  if ((await issueRedemption(deps.pool, deps.admin, started.id)) === 'retry') await deps.enqueueIssue();
  const { rows } = await deps.pool.query<RedemptionRow>(`SELECT * FROM "Redemption" WHERE id = $1`, [started.id]);
  return rows[0]!;
}

/** orders/paid: an order that used Tally codes marks those redemptions used, linked to the order. */
export async function markCodesUsed(sql: Sql, shop: string, orderId: string, codes: string[], at: Date): Promise<number> {
  if (codes.length === 0) return 0;
  return sql.$executeRaw`
    UPDATE "Redemption" SET status = 'USED', "orderId" = ${orderId}, "usedAt" = ${at}
    WHERE shop = ${shop} AND upper(code) = ANY(${codes.map((c) => c.toUpperCase())}::text[]) AND status IN ('ISSUED', 'PENDING')`;
}

/**
 * Codes past their expiry and never used: disabled in Shopify, marked
 * expired, and — if the merchant chose so — their points given back.
 */
export async function expireUnusedCodes(pool: pg.Pool, admin: AdminClient | null, programs: { get(shop: string): Promise<{ settings: { returnPointsOnExpiredCodes: boolean } } | null> }, now = new Date()) {
  const { rows } = await pool.query<RedemptionRow>(
    `SELECT * FROM "Redemption" WHERE status = 'ISSUED' AND "expiresAt" <= $1 ORDER BY "expiresAt" LIMIT 500`,
    [now],
  );
  let expired = 0;
  for (const r of rows) {
    if (r.shopifyId?.startsWith('gid://shopify/DiscountCodeNode/')) {
      if (!admin) throw new Error('Expiring codes needs the Admin API client');
      await admin.request(r.shop, DISCOUNT_CODE_DEACTIVATE, discountIdVariables(r.shopifyId));
    }
    const giveBack = (await programs.get(r.shop))?.settings.returnPointsOnExpiredCodes ?? false;
    expired += await transaction(pool, async (sql) => {
      const updated = await sql.$executeRaw`UPDATE "Redemption" SET status = 'EXPIRED' WHERE id = ${r.id} AND status = 'ISSUED'`;
      if (updated === 1 && giveBack && r.points > 0) {
        await refundRedemption(sql, { shop: r.shop, memberId: r.memberId, points: r.points, sourceId: r.id, idempotencyKey: `redemption:${r.id}:expired` });
      }
      return updated;
    });
  }
  return { expired };
}
