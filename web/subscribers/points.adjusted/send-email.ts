// The points_adjusted email: a merchant's adjustment with its note, once per adjustment.
import { emailMember } from '../../email/notify.js';
import { defineSubscriber } from '../../events/subscriber.js';

export default defineSubscriber({
  on: 'points.adjusted',
  mode: 'after-commit',
  async handle(event, ctx) {
    // Only a merchant's adjustment with a note (other sources of points.adjusted, if any, are not for the member).
    if (!event.memberId || !event.data.reason) return;
    await emailMember(ctx, {
      shop: event.shop,
      memberId: event.memberId,
      key: 'points_adjusted',
      cause: `event:${event.id}`,
      data: { adjustment: { points: event.data.points, note: event.data.reason } },
    });
  },
});
