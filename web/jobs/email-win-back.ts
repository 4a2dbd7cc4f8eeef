// win_back (marketing), daily: a member whose last order is N days old (the shop's winBackDays, 120 by default) gets
// one email per lapse — the cause is that last order, so a member who orders again and lapses again is written to
// again, and a re-run, a retried job or two workers record it once. Optionally with bonus points (through the ledger,
// key "win-back:<member>:<order>") or a reward (granted, its code following in reward_issued), given in the same
// transaction as the email's row and only when the email is going (a member Tally may not email gets no gift). The
// bonus is a ledger entry of source EMAIL whose sourceId is the email's row.
//
// Who: the last (not cancelled) order falls between N and N + GRACE_DAYS days ago. Members who lapsed longer ago
// than that when the merchant switched the message on are not emailed: a win-back goes out as a member crosses N
// days, not as a blast to every lapsed customer (the grace covers a job that did not run for a while).
// Marketing rules: only shops that switched win_back on and set a postal address (the footer's; the admin refuses to
// switch a marketing message on without one, and this keeps it so if the address is removed later); the member's
// Shopify email marketing state must be SUBSCRIBED (web/email/sends.ts records any other as suppressed, with why).
import type pg from 'pg';
import { pgSql, transaction, type Sql } from '../db/sql.js';
import { isoLocalDate } from '../email/order-day.js';
import { recordEmail, suppressedNow } from '../email/sends.js';
import { messageEnabled, shopEmailSettings } from '../email/settings.js';
import { creditExpiresAt } from '../loyalty/domain/program.js';
import { earn } from '../loyalty/ledger.js';
import type { Programs } from '../loyalty/program.js';
import { grantReward } from '../loyalty/redemptions.js';
import { activeShops, BATCH_SIZE, isolated, reportFailures, type Failure } from './batch.js';
import type { JobDeps } from './deps.js';

export const WIN_BACK_KEY = 'win_back';
/** How long after crossing N days a member may still be written to (a job down for a while catches up). */
export const GRACE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface WinBackResult {
  /** Emails recorded to go (queued). */
  queued: number;
  /** Recorded as suppressed (not subscribed, unsubscribed, redacted …). */
  suppressed: number;
  /** Members given bonus points. */
  bonuses: number;
  /** Shops skipped because win_back is on but no postal address is set. */
  noAddress: string[];
  failures: Failure[];
}

interface Lapsed {
  memberId: string;
  orderId: string;
  processedAt: Date;
}

/**
 * Members of `shop` whose last order fell between `from` (exclusive) and `to`, after `after`, a batch at a time;
 * with an audience (a SegmentMember segment id), only its members as last computed.
 */
async function lapsedMembers(sql: Sql, shop: string, from: Date, to: Date, after: string, audience: string | null): Promise<Lapsed[]> {
  return sql.$queryRaw<Lapsed[]>`
    SELECT DISTINCT ON (o."memberId") o."memberId", o."orderId", o."processedAt"
    FROM "Order" o
    WHERE o.shop = ${shop} AND o."memberId" IS NOT NULL AND o."memberId" > ${after} AND o."cancelledAt" IS NULL
      AND o."processedAt" > ${from} AND o."processedAt" <= ${to}
      AND (${audience}::text IS NULL OR EXISTS (SELECT 1 FROM "SegmentMember" sm
                                               WHERE sm."segmentId" = ${audience}::text AND sm."memberId" = o."memberId" AND sm.shop = o.shop))
      AND NOT EXISTS (SELECT 1 FROM "Order" l WHERE l.shop = o.shop AND l."memberId" = o."memberId"
                      AND l."cancelledAt" IS NULL AND l."processedAt" > o."processedAt")
    ORDER BY o."memberId", o."processedAt" DESC, o."orderId"
    LIMIT ${BATCH_SIZE}`;
}

/** Records the win_back emails due at `now` in every active shop that sends them. */
export async function emailWinBack(deps: { pool: pg.Pool; programs: Programs; prisma: JobDeps['prisma'] }, now = new Date()) {
  const sql = pgSql(deps.pool);
  const result: WinBackResult = { queued: 0, suppressed: 0, bonuses: 0, noAddress: [], failures: [] };
  for (const shop of await activeShops(deps.prisma)) {
    if (!(await messageEnabled(sql, shop, WIN_BACK_KEY))) continue;
    const settings = await shopEmailSettings(sql, shop);
    if (!settings.postalAddress) {
      result.noAddress.push(shop);
      continue;
    }
    const program = await deps.programs.get(shop);
    const to = new Date(now.getTime() - settings.winBackDays * DAY_MS);
    const from = new Date(to.getTime() - GRACE_DAYS * DAY_MS);
    let after = '';
    for (;;) {
      const batch = await lapsedMembers(sql, shop, from, to, after, settings.winBackAudienceSegmentId ?? null);
      for (const lapsed of batch) {
        await isolated(result.failures, shop, lapsed.memberId, async () => {
          const outcome = await transaction(deps.pool, async (tx) => {
            const cause = `last-order:${lapsed.orderId}`;
            const key = `win-back:${lapsed.memberId}:${lapsed.orderId}`;
            // Gifts only with an email that goes: a member Tally may not write to is recorded as suppressed, no more.
            const going = (await suppressedNow(tx, shop, lapsed.memberId, 'marketing')) === null;
            const bonus = going && program ? settings.winBackPoints : 0;
            let reward = '';
            if (going && settings.winBackRewardId) {
              const granted = await grantReward(
                tx,
                { shop, memberId: lapsed.memberId, rewardId: settings.winBackRewardId, idempotencyKey: key },
                now,
              );
              if (granted) {
                const [row] = await tx.$queryRaw<Array<{ name: string }>>`SELECT name FROM "Reward" WHERE id = ${settings.winBackRewardId}`;
                reward = row?.name ?? '';
              }
            }
            const recorded = await recordEmail(tx, {
              shop,
              memberId: lapsed.memberId,
              key: WIN_BACK_KEY,
              cause,
              data: {
                win_back: {
                  days: Math.floor((now.getTime() - lapsed.processedAt.getTime()) / DAY_MS),
                  last_order_on: isoLocalDate(lapsed.processedAt, settings.timeZone),
                  bonus_points: bonus,
                  reward,
                  shop_url: `https://${shop}`,
                },
              },
              now,
            });
            // The bonus belongs to the email (source EMAIL, sourceId its row): given with a row that is going, once.
            let given = false;
            if (bonus > 0 && typeof recorded !== 'string' && recorded.status === 'queued') {
              given =
                (await earn(tx, {
                  shop,
                  memberId: lapsed.memberId,
                  points: bonus,
                  source: 'EMAIL',
                  sourceId: recorded.id,
                  reason: WIN_BACK_KEY,
                  idempotencyKey: key,
                  createdAt: now,
                  expiresAt: creditExpiresAt(now, program!.settings.expiry),
                })) === 'appended';
            }
            return { recorded, bonus: given ? bonus : 0 };
          });
          if (typeof outcome.recorded === 'string') return;
          if (outcome.recorded.status === 'queued') result.queued += 1;
          else result.suppressed += 1;
          if (outcome.bonus > 0) result.bonuses += 1;
        });
      }
      if (batch.length < BATCH_SIZE) break;
      after = batch[batch.length - 1]!.memberId;
    }
  }
  return result;
}

export async function emailWinBackJob(_data: object, deps: JobDeps): Promise<void> {
  if (!deps.mail || !deps.pool) return;
  const result = await emailWinBack({ pool: deps.pool, programs: deps.programs, prisma: deps.prisma });
  if (result.queued + result.suppressed > 0) deps.logger.info(result, 'win_back emails recorded');
  for (const shop of result.noAddress) deps.logger.warn({ shop }, 'win_back is on but the shop has no postal address: nothing sent');
  reportFailures('email-win-back', result.failures, deps.logger);
}
