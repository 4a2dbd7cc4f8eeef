// Released points count toward points-earned tiers from the moment they are spendable.
import { defineSubscriber } from '../../events/subscriber.js';
import { reviewTierAfter } from '../../loyalty/tier-review.js';

export default defineSubscriber({
  on: 'points.released',
  mode: 'in-transaction',
  handle: (event, { sql }) => reviewTierAfter(sql, event, (basis) => basis === 'points-earned'),
});
