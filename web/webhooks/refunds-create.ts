import { applyRefund, orderLockKey } from '../loyalty/order-points.js';
import { refundInput } from './schemas.js';
import { defineHandler } from './types.js';

// Claws back the refunded share of the order's points, at the rate they were earned.
export default defineHandler({
  topic: 'refunds/create',
  payload: refundInput,
  requiresInstalledShop: true,
  serialiseOn: (shop, refund) => orderLockKey(shop, refund.orderId),
  async handle(ctx, refund) {
    await applyRefund(ctx.tx, ctx.shop, await ctx.program(), refund, ctx.deliveryId, new Date(), { serialised: true });
    return 'processed';
  },
});
