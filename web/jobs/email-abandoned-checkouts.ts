// abandoned_checkout: every few minutes, each checkout untouched for 4 hours with no order (web/loyalty/checkouts.ts)
// of a member gets its one email — the points it would earn, the rewards the balance covers, the link back.
//
// Once per checkout: the checkout's remindedAt is claimed in the transaction that records the message (cause
// "checkout:<token>", itself unique per member), so a second run, a retried job or a redelivered webhook decides
// nothing more. A checkout is decided only when its email may go at once (inside the send window and the frequency
// cap); until then it is left for a later run, so an order placed meanwhile (which marks it completed) still stops
// it. Checkouts of guests (no member) are never emailed: marketing needs a customer's consent. Checkouts last updated
// more than 30 days ago are deleted.
import { pgSql, transaction } from '../db/sql.js';
import { deliverEmail } from '../email/sender.js';
import { recordEmail } from '../email/sends.js';
import { lastPacedSend, pacedSendTime } from '../email/schedule.js';
import { shopEmailSettings } from '../email/settings.js';
import { rewardsNewlyCovered } from '../email/triggers.js';
import { defaultEnabled, emailMessage } from '../email/messages/index.js';
import {
  abandonedCheckouts,
  checkoutPoints,
  claimReminder,
  KEEP_CHECKOUTS_MS,
  pruneCheckouts,
  type DueCheckout,
} from '../loyalty/checkouts.js';
import { BATCH_SIZE } from './batch.js';
import type { JobDeps } from './deps.js';

export interface AbandonedCheckoutRun {
  /** Emails recorded (queued, or suppressed with the reason: not subscribed, unsubscribed …). */
  recorded: number;
  /** Left for a later run: outside the send window or within the member's frequency cap. */
  waiting: number;
  /** Checkouts deleted for their age. */
  pruned: number;
}

export async function emailAbandonedCheckouts(
  deps: Pick<JobDeps, 'pool' | 'mail' | 'programs' | 'logger'>,
  now = new Date(),
): Promise<AbandonedCheckoutRun> {
  const run: AbandonedCheckoutRun = { recorded: 0, waiting: 0, pruned: 0 };
  if (!deps.pool) return run;
  const sql = pgSql(deps.pool);
  run.pruned = await pruneCheckouts(sql, new Date(now.getTime() - KEEP_CHECKOUTS_MS));
  // No SMTP server configured: nothing is decided, as for every other message.
  if (!deps.mail) return run;
  const mail = deps.mail;
  const message = emailMessage('abandoned_checkout')!;
  const settings = new Map<string, ReturnType<typeof shopEmailSettings>>();
  let after: { at: Date; shop: string; token: string } | null = null;
  for (;;) {
    const due: DueCheckout[] = await abandonedCheckouts(sql, now, { enabledByDefault: defaultEnabled(message), limit: BATCH_SIZE, after });
    for (const checkout of due) {
      const { shop, memberId } = checkout;
      if (!settings.has(shop)) settings.set(shop, shopEmailSettings(sql, shop));
      const s = await settings.get(shop)!;
      const policy = { timeZone: s.timeZone, window: s.sendWindow, capDays: s.frequencyCapDays };
      if (pacedSendTime(now, policy, await lastPacedSend(sql, shop, memberId, now, policy.capDays)) > now) {
        run.waiting += 1;
        continue;
      }
      const points = checkoutPoints(await deps.programs.get(shop), checkout, now);
      const rewards = await rewardsNewlyCovered(sql, shop, memberId, 0, Number(checkout.pointsAvailable));
      const recorded = await transaction(deps.pool, async (tx) => {
        if (!(await claimReminder(tx, shop, checkout.token, now))) return null;
        return recordEmail(tx, {
          shop,
          memberId,
          key: 'abandoned_checkout',
          cause: `checkout:${checkout.token}`,
          data: {
            checkout: { url: checkout.abandonedUrl ?? `https://${shop}/cart`, points: points ?? 0 },
            rewards: rewards.map((r) => ({ name: r.name, cost: Number(r.cost) })),
          },
          now,
        });
      });
      if (recorded === null || typeof recorded === 'string') continue;
      run.recorded += 1;
      if (recorded.status === 'queued') await deliverEmail({ pool: deps.pool, mail, logger: deps.logger }, recorded.id, now);
    }
    if (due.length < BATCH_SIZE) return run;
    const last = due[due.length - 1]!;
    after = { at: last.sourceUpdatedAt, shop: last.shop, token: last.token };
  }
}

export async function emailAbandonedCheckoutsJob(_data: object, deps: JobDeps): Promise<void> {
  const run = await emailAbandonedCheckouts(deps);
  if (run.recorded + run.pruned > 0) deps.logger.info(run, 'abandoned checkouts');
}
