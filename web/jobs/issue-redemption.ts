import type { JobDeps } from './deps.js';
import { issueRedemption, redemptionCommand } from '../loyalty/redemptions.js';
import { debitCommand, debitStoreCredit } from '../loyalty/store-credit-debits.js';
import { dueCommands } from '../shopify/commands.js';

/**
 * The one retry mechanism of commands to Shopify (web/shopify/commands.ts).
 * After commit, a subscriber makes a command's first attempt
 * (reward.redeemed/issue-reward, reward.granted/issue-reward,
 * cashback.paid/issue-store-credit, cashback.reversed/take-back-store-credit);
 * it records a failed attempt on the command and returns, so its delivery
 * is done and the dispatcher's own retries only cover a subscriber that
 * crashed. Everything after that first attempt is here: the commands due by
 * their backoff, oldest first, one at a time, leaving alone those still
 * with their subscriber. This also issues what no subscriber attempted
 * (commands from before the outbox, or whose subscriber crashed before
 * claiming) and what an admin's review sent back.
 *
 * One at a time: under a burst this drains the backlog at the shop's rate
 * limit (the Admin client waits for the bucket to refill on THROTTLED)
 * instead of every request fighting for it. Runs every minute, and at once
 * when a redemption could not be issued during its request. Waiting for the
 * rate limit does not count as an attempt. Then, the same way, the store
 * credit that refunds took back (after the credits, so a credit and its
 * reversal reach Shopify in that order).
 */
export async function issuePendingRedemptions(_data: object, deps: JobDeps, now = new Date()): Promise<void> {
  if (!deps.pool) throw new Error('issue-pending-redemptions needs the pg pool');
  const deadline = Date.now() + 50_000; // leave the next minute's run its turn
  let issued = 0;
  let retry = 0;
  const tried = new Set<string>();
  for (;;) {
    const due = (await dueCommands(deps.pool, redemptionCommand, now)).filter((id) => !tried.has(id));
    if (due.length === 0) break;
    for (const id of due) {
      tried.add(id);
      const outcome = await issueRedemption(deps.pool, deps.admin ?? null, id);
      if (outcome === 'issued') issued += 1;
      if (outcome === 'retry') retry += 1;
      if (Date.now() > deadline) break;
    }
    if (Date.now() > deadline || retry > 0) break;
  }
  const debits = { done: 0, retry: 0 };
  if (retry === 0) {
    for (const id of await dueCommands(deps.pool, debitCommand, now)) {
      const outcome = await debitStoreCredit(deps.pool, deps.admin ?? null, id);
      if (outcome === 'done') debits.done += 1;
      if (outcome === 'retry') debits.retry += 1;
      if (outcome === 'retry' || Date.now() > deadline) break;
    }
  }
  deps.logger.info({ issued, retry, debits }, 'pending redemptions');
}
