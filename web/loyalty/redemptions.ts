// Redemptions: points turned into a reward. Two steps, so points are never
// both spent and lost:
//  1. start(): one transaction checks eligibility, debits the points with the
//     ledger's guarded update (never below zero) and records the redemption
//     as PENDING with its code already chosen;
//  2. issue(): asks Shopify for the discount (or store credit), as a command
//     to Shopify (web/shopify/commands.ts): success marks it ISSUED
//     (reward.issued); a temporary failure leaves it PENDING for the issue
//     job to retry with backoff; a final failure gives the points back (a
//     reversal entry) and marks it FAILED (reward.failed); store credit whose
//     answer was lost waits as NEEDS_REVIEW for an admin. A retry first asks
//     Shopify whether the code already exists, so a discount is never created
//     twice. The first attempt is made right after commit by the subscriber
//     of the event that made the redemption: web/subscribers/reward.redeemed/,
//     reward.granted/ (tier entry and referral rewards) or cashback.paid/.
import type pg from 'pg';
import { transaction, type Sql } from '../db/sql.js';
import { NotEnoughPoints, redeem, refundRedemption } from './ledger.js';
import { emit, emitMany } from '../events/emit.js';
import { rewardType } from './domain/rewards/index.js';
import { generateDiscountCode } from './domain/rewards/code.js';
import { DISCOUNT_CODE_DEACTIVATE, discountIdVariables, discountVariables, storeCreditVariables } from '../shopify/operations/discounts.js';
import { CODE_DISCOUNT_BY_CODE, VARIANT_PRICE } from '../shopify/operations/lookups.js';
import { parseMoney } from './domain/money.js';
import { userErrorsOf, type AdminClient } from '../shopify/admin.js';
import { attempt, NotUnderReview, settleReview, type CommandKind, type CommandOutcome } from '../shopify/commands.js';
import { settle as settleEvents } from '../events/nudge.js';
import { REFUSAL_MESSAGE, rewardAccess } from './reward-access.js';

export type RefusalCode = 'INSUFFICIENT_POINTS' | 'NOT_ELIGIBLE' | 'LIMIT_REACHED' | 'REWARD_DISABLED' | 'INVALID_POINTS' | 'NOT_FOUND';

export class RedemptionRefused extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RedemptionRow {
  id: string;
  shop: string;
  memberId: string;
  rewardId: string;
  status: 'PENDING' | 'ISSUED' | 'USED' | 'FAILED' | 'EXPIRED' | 'NEEDS_REVIEW';
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
  segmentIds: string[];
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
    // VIP-only rewards: the tier the member holds now (stored; upgrades are written as they happen);
    // segment-only rewards: the member's segments now (reward-access.ts).
    const access = (await rewardAccess(sql, input.shop, member, [reward], now))(reward);
    if (!access.eligible) throw new RedemptionRefused('NOT_ELIGIBLE', REFUSAL_MESSAGE[access.refusal ?? 'tier']);
    if (reward.limitPerMember !== null) {
      const [{ used }] = (await sql.$queryRaw<Array<{ used: number }>>`
        SELECT count(*)::int AS used FROM "Redemption"
        WHERE shop = ${input.shop} AND "memberId" = ${member.id} AND "rewardId" = ${reward.id} AND status <> 'FAILED'`) as [
        { used: number },
      ];
      if (used >= reward.limitPerMember)
        throw new RedemptionRefused('LIMIT_REACHED', 'You have redeemed this reward as often as it allows');
    }
    const type = rewardType(reward.type);
    if (!type) throw new RedemptionRefused('REWARD_DISABLED', 'This reward is no longer available');
    const parsedConfig = type.config.safeParse(reward.config);
    if (!parsedConfig.success) throw new RedemptionRefused('REWARD_DISABLED', 'This reward is misconfigured');
    const cost = type.cost(parsedConfig.data as never, { points: input.points });
    if ('error' in cost) throw new RedemptionRefused('INVALID_POINTS', cost.message);

    const id = crypto.randomUUID();
    try {
      await redeem(sql, {
        shop: input.shop,
        memberId: member.id,
        points: cost.points,
        sourceId: id,
        idempotencyKey: `redemption:${id}`,
        createdAt: now,
      });
    } catch (error) {
      if (error instanceof NotEnoughPoints) throw new RedemptionRefused('INSUFFICIENT_POINTS', 'Not enough points for this reward');
      throw error;
    }
    const row = await insertRedemption(
      sql,
      {
        shop: input.shop,
        memberId: member.id,
        id,
        reward,
        type,
        config: parsedConfig.data,
        points: cost.points,
        valueMinor: cost.valueMinor,
        currencyCode: input.currencyCode,
        idempotencyKey: input.idempotencyKey,
      },
      now,
    );
    await emit(sql, {
      type: 'reward.redeemed',
      shop: input.shop,
      memberId: member.id,
      cause: `redemption:${id}`,
      at: now,
      data: { redemptionId: id, rewardId: reward.id, points: cost.points },
    });
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
 * A reward given, not bought (a VIP tier's entry reward, a referrer's reward):
 * PENDING with no points, with its reward.granted, whose after-commit
 * subscriber (reward.granted/issue-reward) makes the first attempt. Returns null when the
 * reward is missing, disabled or has no fixed value; the same key grants once.
 */
export async function grantReward(
  sql: Sql,
  g: { shop: string; memberId: string; rewardId: string; idempotencyKey: string },
  now = new Date(),
): Promise<RedemptionRow | null> {
  const [reward] = await sql.$queryRaw<RewardRow[]>`SELECT * FROM "Reward" WHERE shop = ${g.shop} AND id = ${g.rewardId}`;
  const type = reward?.enabled ? rewardType(reward.type) : undefined;
  const config = type?.config.safeParse(reward!.config);
  if (!reward || !type || !config?.success) return null;
  const cost = type.cost(config.data as never, {});
  if ('error' in cost) return null;
  const [shop] = await sql.$queryRaw<Array<{ currencyCode: string }>>`SELECT "currencyCode" FROM "Shop" WHERE domain = ${g.shop}`;
  const row = await insertRedemption(
    sql,
    {
      ...g,
      id: crypto.randomUUID(),
      reward,
      type,
      config: config.data,
      points: 0,
      valueMinor: cost.valueMinor,
      currencyCode: shop?.currencyCode ?? 'USD',
    },
    now,
  );
  if (row) {
    const data = { redemptionId: row.id, rewardId: reward.id, reason: g.idempotencyKey };
    await emit(sql, { type: 'reward.granted', shop: g.shop, memberId: g.memberId, cause: `redemption:${row.id}`, at: now, data });
  }
  return row ?? null;
}

export type IssueOutcome = 'issued' | 'retry' | 'failed' | 'review';

/** Attempts before a redemption fails and its points come back (the issue job retries with backoff in between). */
export const MAX_ATTEMPTS = 6;

type IssueRow = RedemptionRow & { type: string; config: unknown; name: string; customerId: string; createdAt: Date };

/** Issuing a redemption, as a command to Shopify (web/shopify/commands.ts). */
export const redemptionCommand: CommandKind<IssueRow, { shopifyId: string | null }> = {
  table: '"Redemption"',
  maxAttempts: MAX_ATTEMPTS,
  triggers: [
    { event: 'reward.redeemed', subscriber: 'reward.redeemed/issue-reward', key: 'redemptionId' },
    { event: 'reward.granted', subscriber: 'reward.granted/issue-reward', key: 'redemptionId' },
    { event: 'cashback.paid', subscriber: 'cashback.paid/issue-store-credit', key: 'redemptionId' },
  ],
  // A code can be looked up; store credit cannot: after an answer lost in
  // transit it may or may not have been credited, so an admin decides.
  lostAnswer: (r) => (rewardType(r.type)?.issue === 'store-credit' ? 'review' : 'ask-again'),

  async load(pool, id) {
    const { rows } = await pool.query<IssueRow>(
      `SELECT d.*, w.type, w.config, w.name, m."customerId" FROM "Redemption" d
       JOIN "Reward" w ON w.id = d."rewardId" JOIN "Member" m ON m.id = d."memberId" WHERE d.id = $1`,
      [id],
    );
    return rows[0];
  },

  precheck(r, admin) {
    const type = rewardType(r.type);
    if (type?.issue === 'donation') return { kind: 'succeed', result: { shopifyId: null } };
    if (!admin || !type) return { kind: 'fail', reason: 'Tally cannot reach Shopify for this shop' };
    return null;
  },

  async ask(r, admin, memo) {
    const type = rewardType(r.type)!;
    if (r.code && memo.again) {
      // Did an earlier attempt succeed without us seeing the answer?
      const existing = await admin.request<{ codeDiscountNodeByCode: { id: string } | null }>(r.shop, CODE_DISCOUNT_BY_CODE, {
        code: r.code,
      });
      if (existing.data.codeDiscountNodeByCode) return { kind: 'succeed', result: { shopifyId: existing.data.codeDiscountNodeByCode.id } };
    }
    let valueMinor = r.valueMinor;
    if (r.type === 'free-product') {
      const { variantId } = r.config as { variantId: string };
      const variant = await admin.request<{ productVariant: { price: string } | null }>(r.shop, VARIANT_PRICE, {
        id: variantId.startsWith('gid://') ? variantId : `gid://shopify/ProductVariant/${variantId}`,
      });
      if (!variant.data.productVariant) return { kind: 'fail', reason: 'The free product is no longer for sale' };
      valueMinor = parseMoney(variant.data.productVariant.price, r.currencyCode);
    }
    const ctx = {
      code: r.code ?? '',
      customerId: r.customerId,
      title: `${r.name} — Tally`,
      startsAt: new Date(),
      currency: r.currencyCode,
      valueMinor,
    };
    const op = type.issue === 'store-credit' ? storeCreditVariables(r.config, ctx) : discountVariables(r.type, r.config, ctx);
    const res = await admin.request<Record<string, unknown>>(r.shop, op.document, op.variables);
    const payload = res.data[op.field] as Record<string, unknown> | undefined;
    const errors = userErrorsOf(payload);
    if (errors.length > 0) return { kind: 'fail', reason: errors.map((e) => e.message).join('; ') };
    return { kind: 'succeed', result: { shopifyId: shopifyIdOf(payload) } };
  },

  async succeed(sql, r, { shopifyId }, from, note) {
    const updated = await sql.$executeRaw`
      UPDATE "Redemption" SET status = 'ISSUED', "shopifyId" = ${shopifyId}, "issuedAt" = now(), error = ${note}
      WHERE id = ${r.id} AND status = ${from}::"RedemptionStatus"`;
    if (updated === 1)
      await emit(sql, {
        type: 'reward.issued',
        shop: r.shop,
        memberId: r.memberId,
        cause: `redemption:${r.id}`,
        data: { redemptionId: r.id, code: r.code },
      });
    return updated === 1;
  },

  async fail(sql, r, reason, from) {
    const updated = await sql.$executeRaw`
      UPDATE "Redemption" SET status = 'FAILED', error = ${reason} WHERE id = ${r.id} AND status = ${from}::"RedemptionStatus"`;
    if (updated !== 1) return false;
    // A granted reward (no points) has nothing to give back.
    if (r.points > 0)
      await refundRedemption(sql, {
        shop: r.shop,
        memberId: r.memberId,
        points: r.points,
        sourceId: r.id,
        idempotencyKey: `redemption:${r.id}:refund`,
      });
    await emit(sql, {
      type: 'reward.failed',
      shop: r.shop,
      memberId: r.memberId,
      cause: `redemption:${r.id}`,
      data: { redemptionId: r.id, error: reason },
    });
    return true;
  },
};

/** Step 2: create the Shopify discount or credit for a PENDING redemption (one attempt). Safe to call again. */
export async function issueRedemption(
  pool: pg.Pool,
  admin: AdminClient | null,
  redemptionId: string,
  options: { finalAttempt?: boolean; firstOnly?: boolean } = {},
): Promise<IssueOutcome> {
  return issueOutcome(await attempt(pool, admin, redemptionCommand, redemptionId, options));
}

const issueOutcome = (o: CommandOutcome): IssueOutcome => (o === 'done' ? 'issued' : o === 'waiting' ? 'retry' : o);

function shopifyIdOf(payload: Record<string, unknown> | undefined): string | null {
  const node = (payload?.codeDiscountNode ?? payload?.storeCreditAccountTransaction) as { id?: string } | undefined;
  return node?.id ?? null;
}

/** What an admin found in Shopify about a store credit whose answer was lost. */
export type ReviewOutcome = 'credited' | 'retry' | 'return-points';

export { NotUnderReview };

/**
 * Settles a redemption held for review (NEEDS_REVIEW) after Shopify's answer
 * was lost: the admin saw the credit in Shopify (issued), or saw none and has
 * Tally try again or give the points back. Only a redemption under review moves.
 */
export async function resolveReview(
  pool: pg.Pool,
  shop: string,
  id: string,
  outcome: ReviewOutcome,
  actor: string | null,
): Promise<IssueOutcome> {
  const by = actor ? ` by ${actor}` : '';
  const decision =
    outcome === 'credited'
      ? ({ outcome: 'done', result: { shopifyId: null }, note: null } as const)
      : outcome === 'retry'
        ? ({ outcome: 'retry', note: `retried after review${by}` } as const)
        : ({ outcome: 'fail', reason: `not credited in Shopify (reviewed${by}); points returned` } as const);
  return issueOutcome(await settleReview(pool, redemptionCommand, shop, id, decision, 'redemption'));
}

/**
 * Start, and answer with the redemption as it stands after its first
 * attempt. The request makes that attempt itself, at once, so the shopper
 * gets the code in the answer whatever the outbox's backlog; its after-commit
 * subscriber (web/subscribers/reward.redeemed/issue-reward.ts) makes it
 * instead when the request did not (it died after the commit, or the
 * subscriber claimed it first: then the request waits a moment for it). Only
 * one of the two ever asks Shopify (web/shopify/commands.ts). One Shopify
 * could not take now stays PENDING for the issue job (woken through
 * `enqueueIssue`), and the widget polls for its code.
 */
export async function redeemNow(
  deps: { pool: pg.Pool; admin: AdminClient | null; enqueueIssue: () => Promise<unknown> },
  input: StartInput,
): Promise<RedemptionRow> {
  const started = await startRedemption(deps.pool, input);
  if (started.status !== 'PENDING') return started;
  await issueRedemption(deps.pool, deps.admin, started.id, { firstOnly: true });
  let row = await redemptionRow(deps.pool, started.id);
  if (row.status === 'PENDING' && row.attempts > 0 && row.error === null) {
    // The subscriber's attempt is under way.
    await settleEvents(SUBSCRIBER_WAIT_MS);
    row = await redemptionRow(deps.pool, started.id);
  }
  if (row.status === 'PENDING') await deps.enqueueIssue();
  return row;
}

/** How long a redemption request waits for its subscriber's attempt under way. */
const SUBSCRIBER_WAIT_MS = 2_000;

async function redemptionRow(pool: pg.Pool, id: string): Promise<RedemptionRow> {
  const { rows } = await pool.query<RedemptionRow>(`SELECT * FROM "Redemption" WHERE id = $1`, [id]);
  return rows[0]!;
}

/** orders/paid: an order that used Tally codes marks those redemptions used, linked to the order (reward.used once each). */
export async function markCodesUsed(sql: Sql, shop: string, orderId: string, codes: string[], at: Date): Promise<number> {
  if (codes.length === 0) return 0;
  const used = await sql.$queryRaw<Array<{ id: string; memberId: string }>>`
    UPDATE "Redemption" SET status = 'USED', "orderId" = ${orderId}, "usedAt" = ${at}
    WHERE shop = ${shop} AND upper(code) = ANY(${codes.map((c) => c.toUpperCase())}::text[]) AND status IN ('ISSUED', 'PENDING')
    RETURNING id, "memberId"`;
  for (const r of used) {
    await emit(sql, {
      type: 'reward.used',
      shop,
      memberId: r.memberId,
      cause: `order:${orderId}`,
      at,
      data: { redemptionId: r.id, orderId },
    });
  }
  return used.length;
}

/**
 * Codes past their expiry and never used: disabled in Shopify, marked
 * expired, and — if the merchant chose so — their points given back.
 */
export async function expireUnusedCodes(
  pool: pg.Pool,
  admin: AdminClient | null,
  programs: { get(shop: string): Promise<{ settings: { returnPointsOnExpiredCodes: boolean } } | null> },
  now = new Date(),
) {
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
        await refundRedemption(sql, {
          shop: r.shop,
          memberId: r.memberId,
          points: r.points,
          sourceId: r.id,
          idempotencyKey: `redemption:${r.id}:expired`,
        });
      }
      return updated;
    });
  }
  return { expired };
}

const WEEK = 7 * DAY;

/**
 * reward.expiring_soon, once per redemption: issued codes nobody has used
 * that expire within the next 7 days (the daily remind job). Once is kept by
 * the outbox itself: a redemption with that event already is skipped.
 */
export async function remindExpiringCodes(pool: pg.Pool, now = new Date(), batch = 500): Promise<{ reminded: number }> {
  let reminded = 0;
  for (;;) {
    const n = await transaction(pool, async (sql) => {
      const due = await sql.$queryRaw<Array<{ id: string; shop: string; memberId: string; expiresAt: Date }>>`
        SELECT r.id, r.shop, r."memberId", r."expiresAt" FROM "Redemption" r
        WHERE r.status = 'ISSUED' AND r."expiresAt" > ${now} AND r."expiresAt" <= ${new Date(now.getTime() + WEEK)}
          AND NOT EXISTS (
            SELECT 1 FROM "Event" e
            WHERE e.shop = r.shop AND e."memberId" = r."memberId" AND e.type = 'reward.expiring_soon' AND e.data->>'redemptionId' = r.id)
        ORDER BY r."expiresAt" LIMIT ${batch} FOR UPDATE OF r SKIP LOCKED`;
      await emitMany(
        sql,
        due.map((r) => ({
          type: 'reward.expiring_soon',
          shop: r.shop,
          memberId: r.memberId,
          cause: `redemption:${r.id}`,
          at: now,
          data: { redemptionId: r.id, expiresAt: r.expiresAt.toISOString() },
        })),
      );
      return due.length;
    });
    reminded += n;
    if (n < batch) return { reminded };
  }
}
