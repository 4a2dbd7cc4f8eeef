// Every job the app knows: its handler, retry policy and optional schedule.
import { calendarRulesJob } from './calendar-rules.js';
import { expirePointsJob } from './expire-points.js';
import { pruneWebhookLog } from './prune-webhook-log.js';
import { releasePendingPointsJob } from './release-pending-points.js';
import { syncMembersJob } from './sync-members.js';
import { issuePendingRedemptions } from './issue-redemption.js';
import { expireRewardCodesJob } from './expire-reward-codes.js';
import { remindExpiringRewardsJob } from './remind-expiring-rewards.js';
import { reviewTiersJob } from './review-tiers.js';
import { syncProgramJob } from './sync-program.js';
import { dispatchEventsJob } from './dispatch-events.js';
import { backfillOrderSalesJob } from './backfill-order-sales.js';
import { refreshAnalyticsJob } from './refresh-analytics.js';
import { sendEmailsJob } from './send-emails.js';
import { emailPointsLastChanceJob } from './email-points-last-chance.js';
import { monthlyStatementsJob } from './monthly-statements.js';
import { emailWinBackJob } from './email-win-back.js';
import { emailConsentToShopifyJob, type ConsentJob } from './email-consent-to-shopify.js';
import { emailAbandonedCheckoutsJob } from './email-abandoned-checkouts.js';
import { refreshSegmentsJob } from './refresh-segments.js';
import { importMembersJob } from './import-members.js';
import { importHistoryJob } from './import-history.js';
import { segmentGiftJob } from './segment-gift.js';
import { syncSegmentTagsJob } from './sync-segment-tags.js';
import { surveyInvitesJob } from './survey-invites.js';
import type { JobDeps } from './deps.js';

export type { JobDeps };

interface JobDefinition<T> {
  run(data: T, deps: JobDeps): Promise<void>;
  retryLimit: number;
  retryDelaySeconds: number;
  cron?: string;
  /** pg-boss queue policy; 'stately' = at most one queued and one running (default 'standard'). */
  policy?: 'standard' | 'stately';
  /** Sent once whenever a worker starts (work left from before an upgrade). */
  atStart?: boolean;
}

function define<T>(def: JobDefinition<T>): JobDefinition<T> {
  return def;
}

export const jobDefinitions = {
  'prune-webhook-log': define<{ olderThanDays?: number }>({
    run: pruneWebhookLog,
    retryLimit: 3,
    retryDelaySeconds: 60,
    cron: '17 3 * * *',
  }),
  'release-pending-points': define<object>({
    run: releasePendingPointsJob,
    retryLimit: 2,
    retryDelaySeconds: 30,
    cron: '*/5 * * * *',
    policy: 'stately',
  }),
  'expire-points': define<object>({
    run: expirePointsJob,
    retryLimit: 5,
    retryDelaySeconds: 300,
    cron: '23 2 * * *',
    policy: 'stately',
  }),
  'calendar-rules': define<object>({
    run: calendarRulesJob,
    retryLimit: 5,
    retryDelaySeconds: 300,
    cron: '47 2 * * *',
    policy: 'stately',
  }),
  // Commands to Shopify (rewards to issue, store credit to take back) after their first attempt: the one retry mechanism.
  'issue-pending-redemptions': define<object>({
    run: issuePendingRedemptions,
    retryLimit: 3,
    retryDelaySeconds: 10,
    cron: '* * * * *',
    policy: 'stately',
  }),
  'expire-reward-codes': define<object>({
    run: expireRewardCodesJob,
    retryLimit: 5,
    retryDelaySeconds: 300,
    cron: '11 * * * *',
    policy: 'stately',
  }),
  // reward.expiring_soon for unused codes expiring within 7 days, once each.
  'remind-expiring-rewards': define<object>({
    run: remindExpiringRewardsJob,
    retryLimit: 5,
    retryDelaySeconds: 300,
    cron: '7 8 * * *',
    policy: 'stately',
  }),
  // Downgrades and renewals the policy allows now; upgrades happen at once, on the ledger change.
  'review-tiers': define<object>({
    run: reviewTiersJob,
    retryLimit: 5,
    retryDelaySeconds: 300,
    cron: '41 * * * *',
    policy: 'stately',
  }),
  // The program's earn rate for the storefront's product block; read first, written only when it changed.
  'sync-program-to-shopify': define<object>({
    run: syncProgramJob,
    retryLimit: 5,
    retryDelaySeconds: 60,
    cron: '*/10 * * * *',
    policy: 'stately',
  }),
  // The event outbox: nudged in-process after each commit that emitted events; this is the fallback.
  'dispatch-events': define<object>({
    run: dispatchEventsJob,
    retryLimit: 3,
    retryDelaySeconds: 10,
    cron: '* * * * *',
    policy: 'stately',
  }),
  // Shopper emails after their first attempt (made by their subscriber): retries with backoff, and rows a stopped
  // worker left mid-send (web/email/sender.ts).
  'send-emails': define<object>({
    run: sendEmailsJob,
    retryLimit: 3,
    retryDelaySeconds: 10,
    cron: '* * * * *',
    policy: 'stately',
  }),
  // points_expiring's last chance, 3 days ahead (its first notice is the points.expiring_soon subscriber's).
  'email-points-last-chance': define<object>({
    run: emailPointsLastChanceJob,
    retryLimit: 5,
    retryDelaySeconds: 300,
    cron: '17 * * * *',
    policy: 'stately',
  }),
  // monthly_statement: hourly, so each shop's first of the month is caught in its time zone; continues a run a stopped
  // process left from its cursor (web/email/statement.ts). Its rows go out with send-emails.
  'monthly-statements': define<object>({
    run: monthlyStatementsJob,
    retryLimit: 5,
    retryDelaySeconds: 60,
    cron: '3 * * * *',
    policy: 'stately',
  }),
  // win_back (marketing), daily: members whose last order is the shop's winBackDays old, once per lapse (web/jobs/email-win-back.ts).
  'email-win-back': define<object>({
    run: emailWinBackJob,
    retryLimit: 5,
    retryDelaySeconds: 300,
    cron: '13 4 * * *',
    policy: 'stately',
  }),
  // A marketing unsubscribe sent to Shopify (web/jobs/email-consent-to-shopify.ts): retried with backoff from 5 s for
  // about a week while Shopify cannot be reached; every 15 minutes ({}) a sweep sends what no job settled.
  'email-consent-to-shopify': define<ConsentJob>({
    run: emailConsentToShopifyJob,
    retryLimit: 16,
    retryDelaySeconds: 5,
    cron: '*/15 * * * *',
  }),
  // abandoned_checkout: checkouts untouched for 4 hours with no order, once each (web/jobs/email-abandoned-checkouts.ts).
  'email-abandoned-checkouts': define<object>({
    run: emailAbandonedCheckoutsJob,
    retryLimit: 3,
    retryDelaySeconds: 60,
    cron: '*/5 * * * *',
    policy: 'stately',
  }),
  // Asked for a second after a change to what it writes (web/subscribers/<event>/sync-to-shopify.ts, via
  // request-member-sync.ts; sends while one run waits are dropped), and every minute as the fallback.
  'sync-members-to-shopify': define<object>({
    run: syncMembersJob,
    retryLimit: 10,
    retryDelaySeconds: 15,
    cron: '* * * * *',
    policy: 'stately',
  }),
  // RFM scores and the day's snapshot (web/segments/rfm.ts): nightly for every shop, or now for { shop } (the admin's refresh).
  'refresh-segments': define<{ shop?: string }>({
    run: refreshSegmentsJob,
    retryLimit: 3,
    retryDelaySeconds: 300,
    cron: '29 1 * * *',
  }),
  // Segments marked for Shopify: their customer segment and tally-segment:<handle> tags (web/segments/shopify-sync.ts).
  // Sent after a refresh or a change; every 10 minutes as the fallback. Retried with backoff: the work left is in SegmentMember.
  'sync-segment-tags': define<{ shop?: string }>({
    run: syncSegmentTagsJob,
    retryLimit: 8,
    retryDelaySeconds: 5,
    cron: '*/10 * * * *',
  }),
  // A gift to a segment (web/segments/gifts.ts): given in batches with progress, once per member however often it runs.
  'segment-gift': define<{ giftId: string }>({
    run: segmentGiftJob,
    retryLimit: 3,
    retryDelaySeconds: 30,
  }),
  // Surveys' after_fulfilment and every_months triggers, hourly, and the survey_invite emails not yet recorded (a manual
  // send's, sent as { shop, emailsOnly }) a batch at a time (web/jobs/survey-invites.ts).
  'survey-invites': define<{ shop?: string; emailsOnly?: boolean }>({
    run: surveyInvitesJob,
    retryLimit: 5,
    retryDelaySeconds: 60,
    cron: '37 * * * *',
  }),
  // A member CSV import (web/imports): applied in batches with progress, or undone. Resumes from its cursor when retried.
  'member-import': define<{ importId: string; action: 'apply' | 'undo' }>({
    run: importMembersJob,
    retryLimit: 3,
    retryDelaySeconds: 30,
  }),
  // A history import (web/imports/history.ts): past orders through a Shopify bulk operation. Resumes from its cursor.
  // Each run waits up to 10 minutes for Shopify's operation; the retries let a large shop's take up to about 8 hours.
  'history-import': define<{ importId: string }>({
    run: importHistoryJob,
    retryLimit: 48,
    retryDelaySeconds: 60,
  }),
  // Orders stored before Order had customerKey, paidAt and netSalesMinor get them (idempotent; nothing to do once done).
  'backfill-order-sales': define<object>({
    run: backfillOrderSalesJob,
    retryLimit: 5,
    retryDelaySeconds: 60,
    policy: 'stately',
    atStart: true,
  }),
  // Analytics' order sale chains kept current in the background (at start: after a deploy every order is stale),
  // so the Analytics page's own refresh finds little left (web/analytics/chains.ts).
  'refresh-analytics': define<object>({
    run: refreshAnalyticsJob,
    retryLimit: 3,
    retryDelaySeconds: 60,
    cron: '*/5 * * * *',
    policy: 'stately',
    atStart: true,
  }),
};
