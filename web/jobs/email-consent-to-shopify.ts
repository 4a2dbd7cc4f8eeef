// A member's marketing unsubscribe (web/email/unsubscribe.ts), sent to Shopify as customerEmailMarketingConsentUpdate
// UNSUBSCRIBED, dated when the member asked. A job, so an unreachable or throttled Shopify is retried with backoff
// (pg-boss) instead of losing the unsubscribe; the unsubscribe itself already stops Tally's marketing emails.
// Nothing is sent for a guest (no Shopify customer), a redacted member, or a member whose marketing unsubscribe is
// gone (they subscribed again in Shopify since: web/webhooks/customers-email-marketing-consent-update.ts). Shopify's
// userErrors (a customer without an email address) are final: logged, not retried. Each one sent (or refused) is
// marked (EmailUnsubscribe.shopifySyncedAt); the job's schedule sweeps the ones a job never settled (it gave up after
// its retries, or was never queued), so an unsubscribe is not lost however long Shopify is away.
import type pg from 'pg';
import { pgSql } from '../db/sql.js';
import { CUSTOMER_EMAIL_MARKETING_CONSENT_UPDATE } from '../shopify/operations/email-consent.js';
import { userErrorsOf } from '../shopify/admin.js';
import type { JobDeps } from './deps.js';

/** One member's unsubscribe; without a member, the sweep: every marketing unsubscribe not yet sent (a lost job). */
export interface ConsentJob {
  shop?: string;
  memberId?: string;
}

/** The sweep leaves the last few minutes to the per-member jobs queued for them. */
export const SWEEP_AFTER_MS = 10 * 60_000;

type Result = 'sent' | 'nothing-to-send' | 'refused';

/** Shopify's DateTime: ISO 8601 to the second. */
const shopifyDateTime = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function sendConsentToShopify(
  deps: Pick<JobDeps, 'pool' | 'admin' | 'logger'>,
  job: { shop: string; memberId: string },
): Promise<Result> {
  if (!deps.pool) throw new Error('email-consent-to-shopify needs the database pool');
  const [row] = await pgSql(deps.pool).$queryRaw<Array<{ customerId: string; unsubscribedAt: Date }>>`
    SELECT m."customerId", u."createdAt" AS "unsubscribedAt"
    FROM "Member" m JOIN "EmailUnsubscribe" u ON u.shop = m.shop AND u."memberId" = m.id AND u.category = 'marketing'
    WHERE m.id = ${job.memberId} AND m.shop = ${job.shop} AND m."redactedAt" IS NULL`;
  if (!row) {
    await markSynced(deps.pool, job); // redacted, or subscribed again since: nothing to tell
    return 'nothing-to-send';
  }
  if (!row.customerId.startsWith('gid://shopify/Customer/')) {
    await markSynced(deps.pool, job); // a guest: Shopify has no customer to tell
    return 'nothing-to-send';
  }
  // Without a client (a process with no Shopify access) the job fails and pg-boss retries it.
  if (!deps.admin) throw new Error('email-consent-to-shopify needs the Admin API client');
  const { data } = await deps.admin.request<{ customerEmailMarketingConsentUpdate: { userErrors: unknown[] } | null }>(
    job.shop,
    CUSTOMER_EMAIL_MARKETING_CONSENT_UPDATE,
    {
      input: {
        customerId: row.customerId,
        emailMarketingConsent: { marketingState: 'UNSUBSCRIBED', consentUpdatedAt: shopifyDateTime(row.unsubscribedAt) },
      },
    },
    { operationName: 'CustomerEmailMarketingConsentUpdate' },
  );
  const errors = userErrorsOf(data.customerEmailMarketingConsentUpdate);
  // A refusal is final (asking again gets the same answer): settled like a success, and logged.
  await markSynced(deps.pool, job);
  if (errors.length > 0) {
    deps.logger.warn({ shop: job.shop, memberId: job.memberId, userErrors: errors }, 'Shopify refused the marketing unsubscribe');
    return 'refused';
  }
  return 'sent';
}

async function markSynced(pool: pg.Pool, job: { shop: string; memberId: string }) {
  await pgSql(pool).$executeRaw`
    UPDATE "EmailUnsubscribe" SET "shopifySyncedAt" = ${new Date()}
    WHERE shop = ${job.shop} AND "memberId" = ${job.memberId} AND category = 'marketing' AND "shopifySyncedAt" IS NULL`;
}

/** Sends every marketing unsubscribe still unsent and older than SWEEP_AFTER_MS; a failure is left for the next sweep. */
export async function sweepConsentToShopify(deps: Pick<JobDeps, 'pool' | 'admin' | 'logger'>, now = new Date()) {
  if (!deps.pool) return { sent: 0, failed: 0 };
  const due = await pgSql(deps.pool).$queryRaw<Array<{ shop: string; memberId: string }>>`
    SELECT u.shop, u."memberId" FROM "EmailUnsubscribe" u JOIN "Shop" s ON s.domain = u.shop AND s."uninstalledAt" IS NULL
    WHERE u."shopifySyncedAt" IS NULL AND u.category = 'marketing' AND u."createdAt" <= ${new Date(now.getTime() - SWEEP_AFTER_MS)}
    ORDER BY u."createdAt" LIMIT 500`;
  let sent = 0;
  let failed = 0;
  for (const job of due) {
    try {
      await sendConsentToShopify(deps, job);
      sent += 1;
    } catch (error) {
      failed += 1;
      deps.logger.warn({ err: error, ...job }, 'marketing unsubscribe not sent to Shopify yet; the next sweep tries again');
    }
  }
  return { sent, failed };
}

export async function emailConsentToShopifyJob(data: ConsentJob, deps: JobDeps): Promise<void> {
  if (!data.shop || !data.memberId) {
    const swept = await sweepConsentToShopify(deps);
    if (swept.sent + swept.failed > 0) deps.logger.info(swept, 'marketing unsubscribes swept to Shopify');
    return;
  }
  const result = await sendConsentToShopify(deps, { shop: data.shop, memberId: data.memberId });
  deps.logger.info({ shop: data.shop, memberId: data.memberId, result }, 'marketing unsubscribe sent to Shopify');
}
