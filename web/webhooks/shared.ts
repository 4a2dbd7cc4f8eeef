// Handlers that several topics share. Each topic still has its own module.
import { enrolMember, type EnrolledVia } from '../loyalty/members.js';
import { applyOrder, orderLockKey } from '../loyalty/order-points.js';
import { markCodesUsed } from '../loyalty/redemptions.js';
import { customerAttributes, updateCustomerAttributes } from '../segments/customer-attributes.js';
import { consentTime } from './customers-email-marketing-consent-update.js';
import { customerPayload, orderInput } from './schemas.js';
import { defineHandler } from './types.js';

/** Records the order's latest state and settles its points (see web/loyalty/order-points.ts). */
export const orderSettler = (topic: string) =>
  defineHandler({
    topic,
    payload: orderInput,
    requiresInstalledShop: true,
    serialiseOn: (shop, input) => orderLockKey(shop, input.facts.orderId),
    async handle(ctx, input) {
      const settlement = await applyOrder(ctx.tx, ctx.shop, await ctx.program(), input, ctx.deliveryId, new Date(), { serialised: true });
      if (settlement) ctx.log.debug(settlement, 'order points settled');
      // Tally codes the order used: their redemptions are used, and linked to the order for analytics.
      if (!input.facts.cancelled)
        await markCodesUsed(ctx.tx, ctx.shop, input.facts.orderId, input.facts.discountCodes, input.facts.processedAt);
      return 'processed';
    },
  });

/** Enrols the customer as a member, or refreshes the member's profile and marketing consent. */
export const memberProfileSync = (topic: EnrolledVia & `customers/${string}`) =>
  defineHandler({
    topic,
    payload: customerPayload,
    requiresInstalledShop: true,
    async handle(ctx, customer) {
      await enrolMember(
        ctx.tx,
        ctx.shop,
        await ctx.program(),
        {
          customerId: customer.admin_graphql_api_id,
          email: customer.email?.toLowerCase() ?? null,
          firstName: customer.first_name,
          lastName: customer.last_name,
          acceptsMarketing: customer.email_marketing_consent ? customer.email_marketing_consent.state === 'subscribed' : undefined,
          // Shopify's state for emails (web/email): marketing messages go only to SUBSCRIBED.
          emailMarketingState: customer.email_marketing_consent?.state ? customer.email_marketing_consent.state.toUpperCase() : undefined,
          emailMarketingConsentAt: consentTime(customer.email_marketing_consent?.consent_updated_at as string | null | undefined, null),
          locale: customer.locale ?? undefined,
        },
        new Date(),
        topic,
      );
      // Country, province and tags, for segments (web/segments).
      await updateCustomerAttributes(ctx.tx, ctx.shop, customer.admin_graphql_api_id, customerAttributes(customer));
      return 'processed';
    },
  });
