import { refundPayload } from './schemas.js';
import { defineHandler } from './types.js';

// Clawback of points for refunded items belongs to the points engine (issue #3);
// until then a refund is validated and logged, and changes nothing.
export default defineHandler({
  topic: 'refunds/create',
  payload: refundPayload,
  requiresInstalledShop: true,
  async handle() {
    return 'ignored';
  },
});
