// A new member took over the points and orders of their guest checkouts: that
// history counts toward their tier whatever the basis.
import { defineSubscriber } from '../../events/subscriber.js';
import { reviewTierAfter } from '../../loyalty/tier-review.js';

export default defineSubscriber({
  on: 'member.claimed_guest_points',
  mode: 'in-transaction',
  handle: (event, { sql }) => reviewTierAfter(sql, event, () => event.data.available + event.data.pending !== 0),
});
