// referral_completed: once per referral (the settlement may emit referral.completed twice, for a gift reward and for
// points; the cause is the referral, and the message reads both from the referral itself).
import { emailMember } from '../../email/notify.js';
import { defineSubscriber } from '../../events/subscriber.js';

export default defineSubscriber({
  on: 'referral.completed',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId || !ctx.mail) return;
    const [referral] = await ctx.sql.$queryRaw<Array<{ points: number; reward: string | null }>>`
      SELECT r."rewardPoints" AS points,
             (SELECT w.name FROM "Redemption" d JOIN "Reward" w ON w.id = d."rewardId"
              WHERE d.shop = r.shop AND d."idempotencyKey" = 'referral:' || r.id || ':gift' LIMIT 1) AS reward
      FROM "Referral" r WHERE r.id = ${event.data.referralId} AND r.shop = ${event.shop}`;
    if (!referral) return;
    await emailMember(ctx, {
      shop: event.shop,
      memberId: event.memberId,
      key: 'referral_completed',
      cause: `referral:${event.data.referralId}`,
      data: { referral: { points: Number(referral.points), reward: referral.reward ?? '' } },
    });
  },
});
