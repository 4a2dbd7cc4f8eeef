// A counted order that now counts for more (an edit, a refund undone) raises
// progress toward an amount-spent or orders tier, whether or not its points
// moved: reviewed in the order's transaction, up only. (A points-earned tier
// is reviewed by the points events.)
import { defineSubscriber } from '../../events/subscriber.js';
import { reviewTierAfter } from '../../loyalty/tier-review.js';

export default defineSubscriber({
  on: 'order.spend_changed',
  mode: 'in-transaction',
  handle: (event, { sql }) =>
    event.data.afterMinor > event.data.beforeMinor ? reviewTierAfter(sql, event, (basis) => basis !== 'points-earned') : undefined,
});
