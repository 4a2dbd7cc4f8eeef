// The welcome email, once per enrolment (web/email) — only for members who are new to the shop: a new customer
// (customers/create, which is also how a storefront sign-up arrives) or a customer's first order. A customers/update
// of a customer who existed before Tally was installed enrols them too, but is no reason to write to them: an install
// would otherwise email the whole customer base.
import { emailMember } from '../../email/notify.js';
import { defineSubscriber } from '../../events/subscriber.js';

export const WELCOMED_VIA: ReadonlySet<string> = new Set(['customers/create', 'order', 'storefront']);

export default defineSubscriber({
  on: 'member.enrolled',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId || !WELCOMED_VIA.has(event.data.via ?? '')) return;
    await emailMember(ctx, { shop: event.shop, memberId: event.memberId, key: 'welcome', cause: `event:${event.id}`, data: {} });
  },
});
