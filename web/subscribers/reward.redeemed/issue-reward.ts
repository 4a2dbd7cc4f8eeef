// The first attempt at issuing a redeemed reward in Shopify (its discount
// code or store credit), right after the redemption commits. The storefront
// and the admin wait for it (redeemNow) to answer with the code.
// A failed attempt is recorded on the redemption and not thrown: the issue
// job (web/jobs/issue-redemption.ts) is the one retry mechanism, with the
// redemption's own attempts and backoff; the dispatcher's retries only cover
// this handler crashing, and a crash mid-call is caught by the next attempt
// (web/shopify/commands.ts).
import { defineSubscriber } from '../../events/subscriber.js';
import { issueRedemption } from '../../loyalty/redemptions.js';

export default defineSubscriber({
  on: 'reward.redeemed',
  mode: 'after-commit',
  async handle(event, { pool, admin }) {
    await issueRedemption(pool, admin, event.data.redemptionId);
  },
});
