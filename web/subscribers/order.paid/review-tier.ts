// An order that counts toward an amount-spent or orders tier but was awarded
// no points has no points event to review the member's tier by: its first
// count (order.paid, spentMinor already stored) reviews it, up only. Orders
// with points are reviewed by their points.pending / points.earned event.
import { defineSubscriber } from '../../events/subscriber.js';
import { reviewTierAfter } from '../../loyalty/tier-review.js';

export default defineSubscriber({
  on: 'order.paid',
  mode: 'in-transaction',
  handle: (event, { sql }) =>
    event.data.points === 0 && event.data.spentMinor > 0 ? reviewTierAfter(sql, event, (basis) => basis !== 'points-earned') : undefined,
});
