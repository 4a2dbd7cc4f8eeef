// reward_expiring: an issued, unused code expires within 7 days (the remind-expiring-rewards job's event), once per redemption.
import { emailMember } from '../../email/notify.js';
import { rewardEmailData } from '../../email/reward-data.js';
import { defineSubscriber } from '../../events/subscriber.js';

export default defineSubscriber({
  on: 'reward.expiring_soon',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId || !ctx.mail) return;
    const reward = await rewardEmailData(ctx.sql, event.shop, event.data.redemptionId);
    if (!reward?.code) return;
    await emailMember(ctx, {
      shop: event.shop,
      memberId: event.memberId,
      key: 'reward_expiring',
      cause: `redemption:${event.data.redemptionId}`,
      data: { reward },
    });
  },
});
