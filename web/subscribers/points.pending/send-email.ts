// An order's points held until its return window ends still make the day's points_earned digest.
import { emailOrderDigest } from '../../email/triggers.js';
import { defineSubscriber } from '../../events/subscriber.js';

export default defineSubscriber({
  on: 'points.pending',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId || event.data.source !== 'ORDER') return;
    await emailOrderDigest(ctx, { ...event, memberId: event.memberId });
  },
});
