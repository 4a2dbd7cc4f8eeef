// Earned points raise progress toward a points-earned tier; under the
// amount-spent and orders bases only an order's points say the order
// counted. Moves up (never down) in the cause's transaction.
import { defineSubscriber } from '../../events/subscriber.js';
import { reviewTierAfter } from '../../loyalty/tier-review.js';

export default defineSubscriber({
  on: 'points.earned',
  mode: 'in-transaction',
  handle: (event, { sql }) => reviewTierAfter(sql, event, (basis) => basis === 'points-earned' || Boolean(event.data.orderId)),
});
