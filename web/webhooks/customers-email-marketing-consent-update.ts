// customers_email_marketing_consent/update: Shopify's email marketing consent of a customer changed (a storefront
// sign-up, an unsubscribe in Shopify Email or another app, an admin's edit, Tally's own unsubscribe coming back).
// Keeps Member.emailMarketingState current — marketing emails go only to SUBSCRIBED (web/email/sends.ts). Shopify
// does not deliver webhooks in order: each state carries when it was set (consent_updated_at, else the delivery's
// X-Shopify-Triggered-At), and a state older than the one stored is ignored (Member.emailMarketingConsentAt).
// A customer who subscribes again after unsubscribing from Tally's marketing emails gets them again: Shopify's newer
// consent lifts the older unsubscribe. A customer Tally has no member for is ignored (customers/create carries the
// consent of a new one).
import { z } from 'zod';
import { numericId } from './schemas.js';
import { defineHandler } from './types.js';

export const consentPayload = z
  .object({
    customer_id: numericId,
    email_address: z.string().nullish(),
    email_marketing_consent: z
      .object({
        state: z.string().nullish(),
        opt_in_level: z.string().nullish(),
        consent_updated_at: z.string().nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();

/** When a consent was set: its consent_updated_at when it parses, else `fallback`. */
export function consentTime(consentUpdatedAt: string | null | undefined, fallback: Date | null): Date | null {
  const at = consentUpdatedAt ? new Date(consentUpdatedAt) : null;
  return at && !Number.isNaN(at.getTime()) ? at : fallback;
}

export default defineHandler({
  topic: 'customers_email_marketing_consent/update',
  payload: consentPayload,
  requiresInstalledShop: true,
  async handle(ctx, payload) {
    const state = payload.email_marketing_consent?.state?.trim().toUpperCase();
    if (!state) return 'ignored';
    const customerId = `gid://shopify/Customer/${payload.customer_id}`;
    const [delivery] = await ctx.tx.$queryRaw<Array<{ triggeredAt: Date | null }>>`
      SELECT "triggeredAt" FROM "WebhookDelivery" WHERE id = ${ctx.deliveryId}`;
    const at = consentTime(payload.email_marketing_consent?.consent_updated_at, delivery?.triggeredAt ?? null) ?? new Date();
    const updated = await ctx.tx.$queryRaw<Array<{ id: string }>>`
      UPDATE "Member" SET "emailMarketingState" = ${state}, "acceptsMarketing" = ${state === 'SUBSCRIBED'},
             "emailMarketingConsentAt" = ${at}, "updatedAt" = now()
      WHERE shop = ${ctx.shop} AND "customerId" = ${customerId} AND "redactedAt" IS NULL
        AND ("emailMarketingConsentAt" IS NULL OR "emailMarketingConsentAt" <= ${at})
      RETURNING id`;
    const member = updated[0];
    if (!member) {
      ctx.log.debug({ customerId, state, at }, 'consent not applied: no such member, or a newer state is stored');
      return 'ignored';
    }
    if (state === 'SUBSCRIBED')
      await ctx.tx.$executeRaw`
        DELETE FROM "EmailUnsubscribe" WHERE shop = ${ctx.shop} AND "memberId" = ${member.id} AND category = 'marketing' AND "createdAt" < ${at}`;
    return 'processed';
  },
});
