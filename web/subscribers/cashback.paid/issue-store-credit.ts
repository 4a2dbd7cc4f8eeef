// Credits an order's cashback (a store-credit redemption, web/loyalty/cashback.ts)
// in Shopify right after the release commits: the first attempt, made by the
// same function as a redeemed reward's (reward.redeemed/issue-reward). A
// failed attempt is left to the issue job, the one retry mechanism.
import { defineSubscriber } from '../../events/subscriber.js';
import { issueRedemption } from '../../loyalty/redemptions.js';

export default defineSubscriber({
  on: 'cashback.paid',
  mode: 'after-commit',
  async handle(event, { pool, admin }) {
    await issueRedemption(pool, admin, event.data.redemptionId, { firstOnly: true });
  },
});
