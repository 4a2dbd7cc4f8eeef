// The reward_issued email: the code is ready in Shopify, once per redemption.
import { emailMember } from '../../email/notify.js';
import { rewardEmailData } from '../../email/reward-data.js';
import { defineSubscriber } from '../../events/subscriber.js';

export default defineSubscriber({
  on: 'reward.issued',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId || !event.data.code) return;
    const reward = await rewardEmailData(ctx.sql, event.shop, event.data.redemptionId);
    if (!reward?.code) return;
    await emailMember(ctx, {
      shop: event.shop,
      memberId: event.memberId,
      key: 'reward_issued',
      cause: `redemption:${event.data.redemptionId}`,
      data: { reward },
    });
  },
});
