// An admin's positive adjustment counts toward points-earned tiers (a removal never moves a member down at once).
import { defineSubscriber } from '../../events/subscriber.js';
import { reviewTierAfter } from '../../loyalty/tier-review.js';

export default defineSubscriber({
  on: 'points.adjusted',
  mode: 'in-transaction',
  handle: (event, { sql }) => reviewTierAfter(sql, event, (basis) => basis === 'points-earned' && event.data.points > 0),
});
