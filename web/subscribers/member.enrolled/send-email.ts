// The welcome email, once per enrolment (web/email).
import { emailMember } from '../../email/notify.js';
import { defineSubscriber } from '../../events/subscriber.js';

export default defineSubscriber({
  on: 'member.enrolled',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId) return;
    await emailMember(ctx, { shop: event.shop, memberId: event.memberId, key: 'welcome', cause: `event:${event.id}`, data: {} });
  },
});
