// The first attempt at issuing a redeemed reward in Shopify (its discount
// code or store credit), right after the redemption commits. The storefront
// and the admin wait a moment for it (redeemNow) to answer with the code, and
// make the attempt themselves if it has not started: the first to claim it
// asks Shopify, the other does nothing (web/shopify/commands.ts).
// A failed attempt is recorded on the redemption and not thrown: the issue
// job (web/jobs/issue-redemption.ts) is the one retry mechanism, with the
// redemption's own attempts and backoff; the dispatcher's retries only cover
// this handler crashing before it claimed the attempt.
import { defineSubscriber } from '../../events/subscriber.js';
import { issueRedemption } from '../../loyalty/redemptions.js';

export default defineSubscriber({
  on: 'reward.redeemed',
  mode: 'after-commit',
  async handle(event, { pool, admin }) {
    await issueRedemption(pool, admin, event.data.redemptionId, { firstOnly: true });
  },
});
