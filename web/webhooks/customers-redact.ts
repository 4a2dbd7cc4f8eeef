import { redactCustomer } from '../loyalty/compliance.js';
import { customersRedactPayload } from './schemas.js';
import { defineHandler } from './types.js';

// Mandatory compliance topic: erase one customer's personal data (the email also keys their guest orders).
export default defineHandler({
  topic: 'customers/redact',
  payload: customersRedactPayload,
  requiresInstalledShop: false,
  async handle({ tx, shop, log }, request) {
    const found = await redactCustomer(tx, shop, `gid://shopify/Customer/${request.customer.id}`, request.customer.email ?? null);
    log.info({ found }, 'customer redacted');
    return 'processed';
  },
});
