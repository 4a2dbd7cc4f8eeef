// Pending points released: points_available, once per release, and reward_unlocked for what the balance now covers.
import { emailMember } from '../../email/notify.js';
import { emailUnlockedRewards } from '../../email/triggers.js';
import { defineSubscriber } from '../../events/subscriber.js';

export default defineSubscriber({
  on: 'points.released',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId || event.data.points <= 0 || !ctx.mail) return;
    await emailMember(ctx, {
      shop: event.shop,
      memberId: event.memberId,
      key: 'points_available',
      cause: `event:${event.id}`,
      data: { released: { points: event.data.points } },
    });
    // The event carries no balance: the member's balance now, less what this release added, is the one before it.
    const [member] = await ctx.sql.$queryRaw<Array<{ points: number }>>`
      SELECT "pointsAvailable" AS points FROM "Member" WHERE id = ${event.memberId}`;
    if (member) {
      const now = Number(member.points);
      await emailUnlockedRewards(ctx, { ...event, memberId: event.memberId }, now - event.data.points, now);
    }
  },
});
