import { redactCustomer } from '../loyalty/compliance.js';
import { customersRedactPayload } from './schemas.js';
import { defineHandler } from './types.js';

// Mandatory compliance topic: erase one customer's personal data (the email also keys their guest orders).
export default defineHandler({
  topic: 'customers/redact',
  payload: customersRedactPayload,
  requiresInstalledShop: false,
  async handle({ tx, shop, log }, request) {
    const found = await redactCustomer(tx, shop, `gid://shopify/Customer/${request.customer.id}`, {
      email: request.customer.email ?? null,
      orderIds: request.orders_to_redact.map((id) => `gid://shopify/Order/${id}`),
    });
    log.info({ found }, 'customer redacted');
    return 'processed';
  },
});
