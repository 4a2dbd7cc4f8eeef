// Issues a redeemed reward in Shopify (its discount code or store credit)
// after the redemption commits: the first attempt, unless the request that
// redeemed it (redeemNow, which answers the shopper with the code) has
// claimed it already — only one of the two asks Shopify
// (web/shopify/commands.ts). A failed attempt is recorded on the redemption
// and not thrown: the issue job (web/jobs/issue-redemption.ts) is the one
// retry mechanism, with the redemption's own attempts and backoff; the
// dispatcher's retries only cover this handler crashing before it claimed
// the attempt.
import { defineSubscriber } from '../../events/subscriber.js';
import { issueRedemption } from '../../loyalty/redemptions.js';

export default defineSubscriber({
  on: 'reward.redeemed',
  mode: 'after-commit',
  async handle(event, { pool, admin }) {
    await issueRedemption(pool, admin, event.data.redemptionId, { firstOnly: true });
  },
});
