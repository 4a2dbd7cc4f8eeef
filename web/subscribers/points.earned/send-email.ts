// Order points: the day's points_earned digest; any points: reward_unlocked for rewards the balance came to cover.
import { emailOrderDigest, emailUnlockedRewards } from '../../email/triggers.js';
import { defineSubscriber } from '../../events/subscriber.js';

export default defineSubscriber({
  on: 'points.earned',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId) return;
    const member = { ...event, memberId: event.memberId };
    if (event.data.source === 'ORDER') await emailOrderDigest(ctx, member);
    if (event.data.balance !== undefined)
      await emailUnlockedRewards(ctx, member, event.data.balance - event.data.points, event.data.balance);
  },
});
