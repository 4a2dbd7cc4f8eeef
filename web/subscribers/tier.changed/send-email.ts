// The tier_up or tier_down email, once per move (the event is the cause: a redelivery finds its row and sends nothing).
import { emailMember } from '../../email/notify.js';
import { defineSubscriber } from '../../events/subscriber.js';

export default defineSubscriber({
  on: 'tier.changed',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId) return;
    await emailMember(ctx, {
      shop: event.shop,
      memberId: event.memberId,
      key: event.data.direction === 'up' ? 'tier_up' : 'tier_down',
      cause: `event:${event.id}`,
      data: { tier: { name: event.data.toName, previous: event.data.fromName ?? '' } },
    });
  },
});
