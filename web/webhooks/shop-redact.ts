import { redactShop } from '../loyalty/compliance.js';
import { shopRef } from './schemas.js';
import { defineHandler } from './types.js';

// Mandatory compliance topic: 48 hours after uninstall, delete all of the shop's data.
export default defineHandler({
  topic: 'shop/redact',
  payload: shopRef,
  requiresInstalledShop: false,
  async handle({ tx, shop, deliveryId }) {
    await redactShop(tx, shop, deliveryId);
    return 'processed';
  },
});
