// Handlers that several topics share. Each topic still has its own module, so
// the points engine can give orders/paid and orders/cancelled their own effects.
import { upsertMember } from '../loyalty/members.js';
import { recordOrder } from '../loyalty/orders.js';
import { customerPayload, orderPayload } from './schemas.js';
import { defineHandler } from './types.js';

/** Records the order's latest state (older deliveries change nothing). */
export const orderRecorder = (topic: string) =>
  defineHandler({
    topic,
    payload: orderPayload,
    requiresInstalledShop: true,
    async handle({ tx, shop }, order) {
      await recordOrder(tx, shop, order);
      return 'processed';
    },
  });

/** Enrols the customer as a member, or refreshes the member's profile. */
export const memberProfileSync = (topic: string) =>
  defineHandler({
    topic,
    payload: customerPayload,
    requiresInstalledShop: true,
    async handle({ tx, shop }, customer) {
      await upsertMember(tx, shop, {
        customerId: customer.admin_graphql_api_id,
        email: customer.email,
        firstName: customer.first_name,
        lastName: customer.last_name,
        acceptsMarketing: customer.email_marketing_consent?.state === 'subscribed',
      });
      return 'processed';
    },
  });
