// The first attempt at taking back, in Shopify, the store credit a refund
// reversed (web/loyalty/cashback.ts), right after the refund commits. Like
// reward.redeemed/issue-reward, a failed attempt (or a credit that has not
// reached Shopify yet) is left to the issue job, the one retry mechanism.
import { defineSubscriber } from '../../events/subscriber.js';
import { debitStoreCredit } from '../../loyalty/store-credit-debits.js';

export default defineSubscriber({
  on: 'cashback.reversed',
  mode: 'after-commit',
  async handle(event, { pool, admin }) {
    await debitStoreCredit(pool, admin, event.data.debitId, { firstOnly: true });
  },
});
