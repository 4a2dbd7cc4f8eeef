// Members: shoppers enrolled in a shop's program, keyed by Customer GID.
// Guests (orders without an account) are members keyed by their email until
// they sign up; then their points move to the new account.
import { randomUUID } from 'node:crypto';
import type { Sql as Tx } from '../db/sql.js';
import { earn } from './ledger.js';
import { emit } from '../events/emit.js';
import { evaluateRule } from './domain/rules/index.js';
import { applyCampaigns } from './domain/rules/campaigns.js';
import { campaignsFor } from './segment-campaigns.js';
import { creditExpiresAt } from './domain/program.js';
import type { LoadedProgram } from './program.js';
import { enrolledNow, noLongerFresh, workUnder } from './working-program.js';
import { tierKeptUntil } from './domain/tiers/qualify.js';

export interface CustomerProfile {
  customerId: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  acceptsMarketing?: boolean;
  /** Shopify's email marketing state, upper case (SUBSCRIBED, NOT_SUBSCRIBED, UNSUBSCRIBED, PENDING …); absent: unchanged. */
  emailMarketingState?: string | null;
  /**
   * When Shopify set that state (consent_updated_at); null: not dated. A state older than the stored one is not
   * written (webhooks arrive out of order); an undated one only where none is dated yet.
   */
  emailMarketingConsentAt?: Date | null;
  /** The customer's language (e.g. "fr"), for emails; absent: unchanged. */
  locale?: string | null;
}

export const guestCustomerId = (email: string) => `guest:${email.trim().toLowerCase()}`;
const isGuest = (customerId: string) => customerId.startsWith('guest:');

/**
 * Creates or refreshes a member from Shopify's customer data in one
 * statement. Fields the payload lacks keep their value. A redacted member no
 * longer carries the customer id, so it is never matched (a customer who
 * comes back starts afresh).
 */
export async function upsertMember(
  tx: Tx,
  shop: string,
  profile: CustomerProfile,
  firstTier: FirstTier | null = null,
): Promise<{ id: string; created: boolean; tierId: string | null }> {
  const marketing = profile.acceptsMarketing ?? null;
  const rows = await tx.$queryRaw<Array<{ id: string; created: boolean; tierId: string | null }>>`
    INSERT INTO "Member" (id, shop, "customerId", email, "firstName", "lastName", "acceptsMarketing", "emailMarketingState",
                          "emailMarketingConsentAt", locale, "tierId", "tierReachedAt", "tierKeptUntil", "updatedAt")
    VALUES (${randomUUID()}, ${shop}, ${profile.customerId}, ${profile.email ?? null}, ${profile.firstName ?? null},
            ${profile.lastName ?? null}, COALESCE(${marketing}::boolean, false), ${profile.emailMarketingState ?? null},
            ${profile.emailMarketingState ? (profile.emailMarketingConsentAt ?? null) : null}::timestamp, ${profile.locale ?? null},
            ${firstTier?.tierId ?? null}, ${firstTier?.reachedAt ?? null}::timestamp, ${firstTier?.keptUntil ?? null}::timestamp, now())
    ON CONFLICT (shop, "customerId") DO UPDATE SET
      email = COALESCE(EXCLUDED.email, "Member".email),
      -- Consent (web/webhooks/customers-email-marketing-consent-update.ts): never an older state over a newer one.
      "emailMarketingState" = CASE WHEN EXCLUDED."emailMarketingState" IS NOT NULL AND ("Member"."emailMarketingConsentAt" IS NULL
                                     OR EXCLUDED."emailMarketingConsentAt" >= "Member"."emailMarketingConsentAt")
                                   THEN EXCLUDED."emailMarketingState" ELSE "Member"."emailMarketingState" END,
      "emailMarketingConsentAt" = CASE WHEN EXCLUDED."emailMarketingState" IS NOT NULL AND ("Member"."emailMarketingConsentAt" IS NULL
                                         OR EXCLUDED."emailMarketingConsentAt" >= "Member"."emailMarketingConsentAt")
                                       THEN EXCLUDED."emailMarketingConsentAt" ELSE "Member"."emailMarketingConsentAt" END,
      locale = COALESCE(EXCLUDED.locale, "Member".locale),
      -- A new address may deliver: a bounce (web/email) held only for the address that bounced.
      "emailUndeliverableAt" = CASE WHEN EXCLUDED.email IS DISTINCT FROM "Member".email AND EXCLUDED.email IS NOT NULL
                                    THEN NULL ELSE "Member"."emailUndeliverableAt" END,
      "firstName" = COALESCE(EXCLUDED."firstName", "Member"."firstName"),
      "lastName" = COALESCE(EXCLUDED."lastName", "Member"."lastName"),
      "acceptsMarketing" = COALESCE(${marketing}::boolean, "Member"."acceptsMarketing"),
      "updatedAt" = now()
    RETURNING id, (xmax = 0) AS created, "tierId"`;
  return rows[0]!;
}

/** The tier a new member starts in: the lowest, from now (null without tiers). */
export interface FirstTier {
  tierId: string;
  reachedAt: Date;
  keptUntil: Date | null;
}

function firstTier(program: LoadedProgram | null, now: Date): FirstTier | null {
  const lowest = program?.tiers[0];
  if (!program || !lowest) return null;
  return { tierId: lowest.id, reachedAt: now, keptUntil: tierKeptUntil(now, program.settings.tierPolicy, program.timeZone) };
}

/** Awards a once-per-member rule (signup, newsletter) if the program has one; the key makes it once. Returns the points awarded. */
async function awardOnce(tx: Tx, program: LoadedProgram, memberId: string, type: string, key: string, now: Date): Promise<number> {
  let awarded = 0;
  const rules = program.rules.filter((r) => r.type === type);
  const campaigns = rules.length ? await campaignsFor(tx, program, memberId, now) : [];
  for (const rule of rules) {
    const points = applyCampaigns(
      evaluateRule(rule, { now, timeZone: program.timeZone, alreadyAwarded: false }),
      campaigns,
      now,
      type,
      program.settings.rounding,
    );
    if (points > 0) {
      const result = await earn(tx, {
        shop: program.shop,
        memberId,
        points,
        source: 'RULE',
        sourceId: rule.id,
        idempotencyKey: `${key}:${rule.id}`,
        createdAt: now,
        expiresAt: creditExpiresAt(now, program.settings.expiry),
      });
      if (result === 'appended') awarded += points;
    }
  }
  return awarded;
}

/**
 * How a member came to be enrolled (member.enrolled's `via`): a new Shopify customer (customers/create, which is also
 * how a storefront sign-up arrives), an order, or the update of a customer who existed before Tally was installed
 * (customers/update). Only the first two are new members to welcome (web/subscribers/member.enrolled/send-email.ts).
 */
export type EnrolledVia = 'customers/create' | 'customers/update' | 'order' | 'storefront' | 'seed';

/**
 * Enrols (or refreshes) a member: a new customer gets the signup bonus and
 * claims the points of guest orders placed with the same email; a customer
 * who opts in to email marketing gets the newsletter bonus once.
 */
export async function enrolMember(
  tx: Tx,
  shop: string,
  program: LoadedProgram | null,
  profile: CustomerProfile,
  now = new Date(),
  via: EnrolledVia = 'order',
) {
  const member = await upsertMember(tx, shop, profile, firstTier(program, now));
  if (!program || isGuest(profile.customerId)) return member;
  workUnder(tx, program);
  let awarded = 0;
  let claimed = 0;
  if (member.created) {
    enrolledNow(tx, member.id);
    await emit(tx, {
      type: 'member.enrolled',
      shop,
      memberId: member.id,
      cause: `customer:${profile.customerId}`,
      at: now,
      data: { customerId: profile.customerId, via },
    });
    awarded += await awardOnce(tx, program, member.id, 'signup', `signup:${profile.customerId}`, now);
    if (profile.email) claimed = await claimGuestPoints(tx, program.shop, member.id, profile.email);
    if (claimed !== 0) noLongerFresh(tx, member.id);
  }
  if (profile.acceptsMarketing) awarded += await awardOnce(tx, program, member.id, 'newsletter', `newsletter:${profile.customerId}`, now);
  noLongerFresh(tx, member.id);
  // The awards' and the claim's events reviewed the tier (web/subscribers); the order's points use the tier they left, read
  // again only when they may have lifted it above the lowest tier that new members start in.
  const next = program.tiers[1];
  const mayRise =
    claimed !== 0 ||
    (program.settings.tierPolicy.basis === 'points-earned' &&
      next !== undefined &&
      awarded > 0 &&
      (!member.created || awarded >= next.threshold));
  if (mayRise) {
    const [stored] = await tx.$queryRaw<Array<{ tierId: string | null }>>`SELECT "tierId" FROM "Member" WHERE id = ${member.id}`;
    member.tierId = stored?.tierId ?? member.tierId;
  }
  return member;
}

/**
 * Moves a guest's orders and ledger to the member who signed up with the
 * guest's email. It re-attributes entries (their points, status and keys
 * stay), so the ledger's sums move with them and the doctor still holds.
 */
export async function claimGuestPoints(tx: Tx, shop: string, memberId: string, email: string): Promise<number> {
  const guests = await tx.$queryRaw<Array<{ id: string; available: number; pending: number; earned: number; redeemed: number }>>`
    SELECT id, "pointsAvailable" AS available, "pointsPending" AS pending, "lifetimeEarned" AS earned, "lifetimeRedeemed" AS redeemed
    FROM "Member" WHERE shop = ${shop} AND "customerId" = ${guestCustomerId(email)} FOR UPDATE`;
  const guest = guests[0];
  if (!guest) return 0;
  await tx.$executeRaw`UPDATE "PointEntry" SET "memberId" = ${memberId} WHERE "memberId" = ${guest.id}`;
  await tx.$executeRaw`UPDATE "Order" SET "memberId" = ${memberId}, "guestEmail" = NULL WHERE "memberId" = ${guest.id}`;
  await tx.$executeRaw`
    UPDATE "Member" SET "pointsAvailable" = "pointsAvailable" + ${guest.available}, "pointsPending" = "pointsPending" + ${guest.pending},
      "lifetimeEarned" = "lifetimeEarned" + ${guest.earned}, "lifetimeRedeemed" = "lifetimeRedeemed" + ${guest.redeemed},
      "balanceVersion" = "balanceVersion" + 1, "updatedAt" = now()
    WHERE id = ${memberId}`;
  await tx.$executeRaw`DELETE FROM "Member" WHERE id = ${guest.id}`;
  const data = { available: guest.available, pending: guest.pending };
  await emit(tx, { type: 'member.claimed_guest_points', shop, memberId, cause: `guest:${guest.id}`, data });
  return guest.available + guest.pending;
}
