// The points_adjusted email: a merchant's adjustment with its note, once per adjustment.
import { emailMember } from '../../email/notify.js';
import { emailUnlockedRewards } from '../../email/triggers.js';
import { defineSubscriber } from '../../events/subscriber.js';

export default defineSubscriber({
  on: 'points.adjusted',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId) return;
    // Points added: the rewards the balance came to cover.
    if (event.data.balance !== undefined && event.data.points > 0)
      await emailUnlockedRewards(ctx, { ...event, memberId: event.memberId }, event.data.balance - event.data.points, event.data.balance);
    // Only a merchant's adjustment with a note (other sources of points.adjusted, if any, are not for the member).
    if (!event.data.reason) return;
    await emailMember(ctx, {
      shop: event.shop,
      memberId: event.memberId,
      key: 'points_adjusted',
      cause: `event:${event.id}`,
      data: { adjustment: { points: event.data.points, note: event.data.reason } },
    });
  },
});
