// Order points: the day's points_earned digest. A birthday or anniversary rule's award: its email. Any points:
// reward_unlocked for rewards the balance came to cover.
import { emailMember } from '../../email/notify.js';
import { emailOrderDigest, emailUnlockedRewards } from '../../email/triggers.js';
import { defineSubscriber } from '../../events/subscriber.js';

const CALENDAR_RULES = new Set(['birthday', 'anniversary']);

export default defineSubscriber({
  on: 'points.earned',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId) return;
    const member = { ...event, memberId: event.memberId };
    if (event.data.source === 'ORDER') await emailOrderDigest(ctx, member);
    if (event.data.source === 'RULE' && event.data.sourceId && ctx.mail) {
      const [rule] = await ctx.sql.$queryRaw<Array<{ type: string }>>`
        SELECT type FROM "EarnRule" WHERE id = ${event.data.sourceId} AND shop = ${event.shop}`;
      if (rule && CALENDAR_RULES.has(rule.type))
        await emailMember(ctx, {
          shop: event.shop,
          memberId: event.memberId,
          key: rule.type,
          cause: `event:${event.id}`,
          data: { award: { points: event.data.points } },
        });
    }
    if (event.data.balance !== undefined)
      await emailUnlockedRewards(ctx, member, event.data.balance - event.data.points, event.data.balance);
  },
});
