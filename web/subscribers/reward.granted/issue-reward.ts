// Issues a granted reward (a VIP tier's entry reward, a referrer's reward) in
// Shopify right after the grant commits: the first attempt, made by the same
// function as a redeemed reward's (reward.redeemed/issue-reward). A failed
// attempt is recorded on the redemption and not thrown: the issue job
// (web/jobs/issue-redemption.ts) is the one retry mechanism.
import { defineSubscriber } from '../../events/subscriber.js';
import { issueRedemption } from '../../loyalty/redemptions.js';

export default defineSubscriber({
  on: 'reward.granted',
  mode: 'after-commit',
  async handle(event, { pool, admin }) {
    await issueRedemption(pool, admin, event.data.redemptionId, { firstOnly: true });
  },
});
