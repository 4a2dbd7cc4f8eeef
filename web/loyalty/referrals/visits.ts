// A friend follows a referral link: the visit is recorded once per device
// and code, and the friend's offer is created in Shopify as a discount code of
// their own (single use, new customers only). A Shopify failure leaves the
// referral without a code; the same visit again tries again, looking the
// code up first so it is never created twice.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { pgSql } from '../../db/sql.js';
import { friendOfferCode } from '../domain/referrals/code.js';
import type { Programs } from '../program.js';
import { userErrorsOf, type AdminClient, type AdminExtensions, type ThrottleStatus } from '../../shopify/admin.js';
import { CODE_DISCOUNT_BY_CODE } from '../../shopify/operations/discounts.js';
import {
  describeOffer,
  friendOfferOperation,
  NEW_CUSTOMERS_SEGMENT,
  SEGMENT_BY_NAME,
  SEGMENT_CREATE,
} from '../../shopify/operations/referrals.js';
import type { ReferralRow } from './settlement.js';

export type VisitRefusal = 'NOT_FOUND' | 'OWN_LINK' | 'REFERRALS_OFF' | 'OFFER_EXPIRED';

export class VisitRefused extends Error {
  constructor(
    readonly code: VisitRefusal,
    message: string,
  ) {
    super(message);
  }
}

export interface VisitDeps {
  pool: pg.Pool;
  admin: AdminClient | null;
  programs: Programs;
}

export interface Visit {
  referral: ReferralRow;
  referrerFirstName: string | null;
  /** What the friend gets, whether or not the code exists yet. */
  gift: { description: string; expiresAt: Date };
  /** null until the friend claims it, or while Shopify has not created the code (claim again). */
  offer: { code: string; description: string; expiresAt: Date } | null;
}

const DAY = 86_400_000;
const SEGMENT_KEY = 'segment:new-customers';

/**
 * Redemptions come first in a shop's Admin API budget (Shopify's leaky bucket,
 * shared by every call Tally makes for the shop): a friend's code is only
 * created while at least this share of the bucket is free, as the shop's
 * latest answer to a referral call showed it, refilled at its restore rate
 * since. Otherwise the claim answers "being prepared" and is tried again later.
 */
const RESERVED_FOR_REDEMPTIONS = 0.5;
const budgets = new Map<string, { status: ThrottleStatus; at: number }>();

function noteBudget(shop: string, extensions: AdminExtensions | undefined, at: number) {
  const status = extensions?.cost?.throttleStatus;
  if (status) budgets.set(shop, { status, at });
}

function referralsMaySpend(shop: string, at: number): boolean {
  const seen = budgets.get(shop);
  if (!seen) return true;
  const { maximumAvailable, currentlyAvailable, restoreRate } = seen.status;
  const available = Math.min(maximumAvailable, currentlyAvailable + (restoreRate * (at - seen.at)) / 1000);
  return available >= maximumAvailable * RESERVED_FOR_REDEMPTIONS;
}

/**
 * Records a visit of `code`'s link from `deviceId` (the visitor's cookie) and
 * returns the friend's offer. The discount code is only created in Shopify
 * when the friend claims it (`claim`): a visit alone costs no code.
 */
export async function recordVisit(
  deps: VisitDeps,
  input: { shop: string; code: string; deviceId: string; customerId: string | null; claim?: boolean },
  now = new Date(),
): Promise<Visit> {
  const { shop } = input;
  const program = await deps.programs.get(shop);
  const settings = program?.settings.referrals;
  if (!program || !settings?.enabled) throw new VisitRefused('REFERRALS_OFF', 'This shop has no referral program');
  const code = input.code.trim().toUpperCase();
  const { rows: referrers } = await deps.pool.query<{ memberId: string; customerId: string; firstName: string | null }>(
    `SELECT rc."memberId", m."customerId", m."firstName" FROM "ReferralCode" rc JOIN "Member" m ON m.id = rc."memberId"
     WHERE rc.shop = $1 AND rc.code = $2 AND m."redactedAt" IS NULL`,
    [shop, code],
  );
  const referrer = referrers[0];
  if (!referrer) throw new VisitRefused('NOT_FOUND', 'This referral link is not valid');
  if (input.customerId === referrer.customerId) throw new VisitRefused('OWN_LINK', 'This is your own referral link: share it with friends');

  await deps.pool.query(
    `INSERT INTO "Referral" (id, shop, "referrerId", code, "deviceId", "friendCustomerId", "offerCode", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, now()) ON CONFLICT (shop, code, "deviceId") DO NOTHING`,
    [randomUUID(), shop, referrer.memberId, code, input.deviceId, input.customerId, friendOfferCode()],
  );
  let referral = await referralOf(deps.pool, shop, code, input.deviceId);
  const expiresAt = new Date(referral.createdAt.getTime() + settings.friendOfferDays * DAY);
  if (expiresAt <= now) throw new VisitRefused('OFFER_EXPIRED', 'This gift has expired');
  if (input.claim !== false && !referral.offerShopifyId && referral.status === 'VISITED' && referralsMaySpend(shop, Date.now())) {
    await issueOffer(deps, referral, { programName: program.name, expiresAt, now });
    referral = await referralOf(deps.pool, shop, code, input.deviceId);
  }
  const currency = await shopCurrency(deps.pool, shop);
  const gift = { description: describeOffer(settings.friendOffer, currency), expiresAt };
  return {
    referral,
    referrerFirstName: referrer.firstName,
    gift,
    offer: referral.offerShopifyId && referral.offerCode ? { code: referral.offerCode, ...gift } : null,
  };
}

async function referralOf(pool: pg.Pool, shop: string, code: string, deviceId: string): Promise<ReferralRow> {
  const { rows } = await pool.query<ReferralRow>(`SELECT * FROM "Referral" WHERE shop = $1 AND code = $2 AND "deviceId" = $3`, [
    shop,
    code,
    deviceId,
  ]);
  return rows[0]!;
}

async function shopCurrency(pool: pg.Pool, shop: string): Promise<string> {
  const { rows } = await pool.query<{ currencyCode: string }>(`SELECT "currencyCode" FROM "Shop" WHERE domain = $1`, [shop]);
  return rows[0]?.currencyCode ?? 'USD';
}

async function issueOffer(
  deps: VisitDeps,
  referral: ReferralRow,
  options: { programName: string; expiresAt: Date; now: Date },
): Promise<void> {
  const record = (shopifyId: string | null, error: string | null) =>
    deps.pool.query(
      `UPDATE "Referral" SET "offerShopifyId" = COALESCE($2, "offerShopifyId"), "offerError" = $3, "updatedAt" = now() WHERE id = $1`,
      [referral.id, shopifyId, error?.slice(0, 500) ?? null],
    );
  if (!deps.admin) return void (await record(null, 'Tally cannot reach Shopify for this shop'));
  const { shop } = referral;
  const code = referral.offerCode!;
  try {
    if (referral.offerError) {
      // An earlier attempt may have created it without us seeing the answer.
      const existing = await deps.admin.request<{ codeDiscountNodeByCode: { id: string } | null }>(shop, CODE_DISCOUNT_BY_CODE, { code });
      if (existing.data.codeDiscountNodeByCode) return void (await record(existing.data.codeDiscountNodeByCode.id, null));
    }
    const program = await deps.programs.get(shop);
    const currency = await shopCurrency(deps.pool, shop);
    // Twice at most: a segment deleted in Shopify since we made it is made again.
    for (let attempt = 1; attempt <= 2; attempt++) {
      const op = friendOfferOperation(program!.settings.referrals, {
        code,
        segmentId: await newCustomersSegment(deps, shop),
        title: `Referral offer — ${options.programName}`,
        startsAt: options.now,
        endsAt: options.expiresAt,
        currency,
      });
      const res = await deps.admin.request<Record<string, unknown>>(shop, op.document, op.variables);
      noteBudget(shop, res.extensions, Date.now());
      const payload = res.data[op.field] as { codeDiscountNode?: { id: string } | null } | undefined;
      const errors = userErrorsOf(payload as Record<string, unknown> | undefined);
      if (errors.length === 0) return void (await record(payload?.codeDiscountNode?.id ?? null, null));
      if (attempt === 1 && errors.some((e) => (e.field ?? []).includes('customerSegments'))) {
        await deps.pool.query(`DELETE FROM "ShopifyResource" WHERE shop = $1 AND key = $2`, [shop, SEGMENT_KEY]);
        continue;
      }
      return void (await record(null, errors.map((e) => e.message).join('; ')));
    }
  } catch (error) {
    await record(null, (error as Error).message);
  }
}

/** The shop's "new customers" segment, created once in Shopify and remembered. */
async function newCustomersSegment(deps: VisitDeps, shop: string): Promise<string> {
  const key = SEGMENT_KEY;
  const sql = pgSql(deps.pool);
  const known = await sql.$queryRaw<
    Array<{ shopifyId: string }>
  >`SELECT "shopifyId" FROM "ShopifyResource" WHERE shop = ${shop} AND key = ${key}`;
  if (known[0]) return known[0].shopifyId;
  const admin = deps.admin!;
  const created = await admin.request<{ segmentCreate: { segment: { id: string } | null; userErrors: Array<{ message: string }> } }>(
    shop,
    SEGMENT_CREATE,
    { ...NEW_CUSTOMERS_SEGMENT },
  );
  let id = created.data.segmentCreate.segment?.id ?? null;
  if (!id) {
    // Names are unique: a parallel visit (or a lost answer) already made it.
    const found = await admin.request<{ segments: { nodes: Array<{ id: string }> } }>(shop, SEGMENT_BY_NAME, {
      query: `name:'${NEW_CUSTOMERS_SEGMENT.name}'`,
    });
    id = found.data.segments.nodes[0]?.id ?? null;
    if (!id)
      throw new Error(
        `Shopify refused the new-customers segment: ${created.data.segmentCreate.userErrors.map((e) => e.message).join('; ')}`,
      );
  }
  await sql.$executeRaw`INSERT INTO "ShopifyResource" (shop, key, "shopifyId") VALUES (${shop}, ${key}, ${id}) ON CONFLICT (shop, key) DO NOTHING`;
  return id;
}
