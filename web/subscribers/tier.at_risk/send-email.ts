// tier_at_risk: the review-tiers job's warning that a downgrade is due within 30 days (tier.at_risk, emitted once per
// member and kept-until date). The cause is the tier period — the tier and the date it goes — so a redelivery, or a
// second warning for the same period, sends nothing. What keeps the tier is said in the policy's basis: points, an
// amount of the shop's currency (formatted in the member's language) or orders.
import { emailLocale } from '../../email/messages/index.js';
import { emailMember } from '../../email/notify.js';
import { isoLocalDate } from '../../email/order-day.js';
import { defineSubscriber } from '../../events/subscriber.js';
import { formatMoneyIn } from '../../loyalty/domain/money.js';

export default defineSubscriber({
  on: 'tier.at_risk',
  mode: 'after-commit',
  async handle(event, ctx) {
    if (!event.memberId || !ctx.mail) return;
    const program = await ctx.programs.get(event.shop);
    const basis = program?.settings.tierPolicy.basis ?? 'points-earned';
    const [facts] = await ctx.sql.$queryRaw<Array<{ locale: string | null; currencyCode: string | null; timeZone: string | null }>>`
      SELECT m.locale, s."currencyCode", s."ianaTimezone" AS "timeZone"
      FROM "Member" m JOIN "Shop" s ON s.domain = m.shop WHERE m.id = ${event.memberId} AND m.shop = ${event.shop}`;
    if (!facts) return;
    const short = Math.max(0, event.data.pointsShort);
    const needed = basis === 'amount-spent' ? formatMoneyIn(short, facts.currencyCode ?? 'USD', emailLocale(facts.locale)) : String(short);
    await emailMember(ctx, {
      shop: event.shop,
      memberId: event.memberId,
      key: 'tier_at_risk',
      cause: `tier-period:${event.data.tierId}:${event.data.keptUntil}`,
      data: {
        tier: {
          name: event.data.tierName,
          kept_until: isoLocalDate(new Date(event.data.keptUntil), facts.timeZone ?? 'UTC'),
          basis,
          needed,
        },
      },
    });
  },
});
