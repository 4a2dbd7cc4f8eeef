// points_expiring: the expire-points job's notice (once per member and expiry date, when the date comes within the
// shop's "expiring soon" days). The email goes 30 days ahead at the earliest; the last chance, 3 days ahead, is the
// email-points-last-chance job's (web/jobs/email-points-last-chance.ts).
import { emailMember } from '../../email/notify.js';
import { defineSubscriber } from '../../events/subscriber.js';

export const FIRST_NOTICE_DAYS = 30;

export default defineSubscriber({
  on: 'points.expiring_soon',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId || event.data.points <= 0) return;
    const expiresAt = new Date(event.data.expiresAt);
    const wait = expiresAt.getTime() - FIRST_NOTICE_DAYS * 86_400_000 - Date.now();
    await emailMember(ctx, {
      shop: event.shop,
      memberId: event.memberId,
      key: 'points_expiring',
      cause: `expiring:${event.data.expiresOn}`,
      data: { expiring: { points: event.data.points, on: event.data.expiresOn, last_chance: false } },
      delayMs: Math.max(0, wait),
    });
  },
});
