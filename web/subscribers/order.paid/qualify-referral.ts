// A referred friend's first paid order (it used the friend's code, or carries
// the referral cart attributes) qualifies the referral — fraud rules and
// limits decide PENDING or BLOCKED — in the order's transaction, before the
// order's points can be released (web/loyalty/referrals/settlement.ts).
import { defineSubscriber } from '../../events/subscriber.js';
import { storedOrder } from '../../loyalty/order-points.js';
import { qualifyReferral } from '../../loyalty/referrals/settlement.js';
import { workingProgram } from '../../loyalty/working-program.js';

export default defineSubscriber({
  on: 'order.paid',
  mode: 'in-transaction',
  async handle(event, { sql }) {
    const { orderId, discountCodes, referralCode } = event.data;
    // Most orders cannot belong to a referral: decided from the event, without a query.
    if ((discountCodes.length === 0 && !referralCode) || !event.memberId) return;
    const program = workingProgram(sql, event.shop);
    if (!program?.settings.referrals.enabled) return;
    const order = await storedOrder(sql, event.shop, orderId);
    if (!order || order.facts.cancelled) return;
    await qualifyReferral(sql, program, { orderId, memberId: event.memberId, facts: order.facts, email: order.email }, event.at);
  },
});
