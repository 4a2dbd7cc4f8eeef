import { redactCustomer } from '../loyalty/compliance.js';
import { customerDeletePayload, customerGid } from './schemas.js';
import { defineHandler } from './types.js';

// A deleted customer keeps no personal data with us; their points stay in the
// shop's totals, anonymised, exactly as for customers/redact.
export default defineHandler({
  topic: 'customers/delete',
  payload: customerDeletePayload,
  requiresInstalledShop: true,
  async handle({ tx, shop }, customer) {
    const found = await redactCustomer(tx, shop, customerGid(customer));
    return found ? 'processed' : 'ignored';
  },
});
