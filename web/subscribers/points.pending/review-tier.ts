// An order's points held for its return window: under the amount-spent and
// orders bases the order counts at once (points-earned waits for the release).
import { defineSubscriber } from '../../events/subscriber.js';
import { reviewTierAfter } from '../../loyalty/tier-review.js';

export default defineSubscriber({
  on: 'points.pending',
  mode: 'in-transaction',
  handle: (event, { sql }) => reviewTierAfter(sql, event, (basis) => basis !== 'points-earned' && Boolean(event.data.orderId)),
});
