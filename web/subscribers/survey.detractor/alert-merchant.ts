// The detractor alert to the merchant (web/surveys/detractor-alert.ts): when the shop set an address for it and Tally
// has SMTP. Once per event: the core raises survey.detractor once per member, survey and period, and the dispatcher
// records one delivery per event and subscriber; an SMTP failure throws, so the delivery is retried with backoff.
import { defineSubscriber } from '../../events/subscriber.js';
import { sendDetractorAlert } from '../../surveys/detractor-alert.js';

export default defineSubscriber({
  on: 'survey.detractor',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!ctx.mail) return;
    await sendDetractorAlert(ctx.sql, ctx.mail, event);
  },
});
