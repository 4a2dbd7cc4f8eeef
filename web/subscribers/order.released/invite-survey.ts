// The order_released survey trigger: when an order's points are released (its pending period ended, so the order was
// kept), its member is asked each active survey with that trigger — once per survey and period (web/surveys/invites.ts).
// An email invite records its survey_invite email and makes the first attempt, as the other email subscribers do; a
// redelivered event finds the invite and the email's row and records nothing more. Only the invite this order made is
// emailed here: a second order in the period finds the first order's invite and leaves it.
import { deliverEmail } from '../../email/sender.js';
import { defineSubscriber } from '../../events/subscriber.js';
import { activeSurveys, inviteForOrder, recordInviteEmail } from '../../surveys/invites.js';

export default defineSubscriber({
  on: 'order.released',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId) return;
    // The period is the release's (a late delivery still asks for the period the order was kept in); the email is
    // decided now, so its cap and window count from now.
    const now = new Date(event.at);
    for (const survey of await activeSurveys(ctx.sql, event.shop, 'order_released')) {
      const invite = await inviteForOrder(ctx.sql, survey, event.memberId, event.data.orderId, now);
      if (!invite || invite.channel !== 'email' || invite.orderId !== event.data.orderId || !ctx.mail) continue;
      const recorded = await recordInviteEmail(ctx.sql, survey, invite, ctx.mail, new Date());
      if (typeof recorded !== 'string' && recorded.status === 'queued')
        await deliverEmail({ pool: ctx.pool, mail: ctx.mail, logger: ctx.logger }, recorded.id);
    }
  },
});
