// A referred friend's order survived its pending period: the referrer's reward
// (points, a reward from the catalogue, or both), in the release's transaction, once per referral.
import { defineSubscriber } from '../../events/subscriber.js';
import { rewardReferral } from '../../loyalty/referrals/settlement.js';
import { workingProgram } from '../../loyalty/working-program.js';

export default defineSubscriber({
  on: 'order.released',
  mode: 'in-transaction',
  async handle(event, { sql }) {
    await rewardReferral(sql, event.shop, event.data.orderId, event.at, workingProgram(sql, event.shop));
  },
});
