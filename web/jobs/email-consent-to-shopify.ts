// A member's marketing unsubscribe (web/email/unsubscribe.ts), sent to Shopify as customerEmailMarketingConsentUpdate
// UNSUBSCRIBED, dated when the member asked. A job, so an unreachable or throttled Shopify is retried with backoff
// (pg-boss) instead of losing the unsubscribe; the unsubscribe itself already stops Tally's marketing emails.
// Nothing is sent for a guest (no Shopify customer), a redacted member, or a member whose marketing unsubscribe is
// gone (they subscribed again in Shopify since: web/webhooks/customers-email-marketing-consent-update.ts). Shopify's
// userErrors (a customer without an email address) are final: logged, not retried.
import { pgSql } from '../db/sql.js';
import { CUSTOMER_EMAIL_MARKETING_CONSENT_UPDATE } from '../shopify/operations/email-consent.js';
import { userErrorsOf } from '../shopify/admin.js';
import type { JobDeps } from './deps.js';

export interface ConsentJob {
  shop: string;
  memberId: string;
}

type Result = 'sent' | 'nothing-to-send' | 'refused';

/** Shopify's DateTime: ISO 8601 to the second. */
const shopifyDateTime = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function sendConsentToShopify(deps: Pick<JobDeps, 'pool' | 'admin' | 'logger'>, job: ConsentJob): Promise<Result> {
  if (!deps.pool) throw new Error('email-consent-to-shopify needs the database pool');
  const [row] = await pgSql(deps.pool).$queryRaw<Array<{ customerId: string; unsubscribedAt: Date }>>`
    SELECT m."customerId", u."createdAt" AS "unsubscribedAt"
    FROM "Member" m JOIN "EmailUnsubscribe" u ON u.shop = m.shop AND u."memberId" = m.id AND u.category = 'marketing'
    WHERE m.id = ${job.memberId} AND m.shop = ${job.shop} AND m."redactedAt" IS NULL`;
  if (!row || !row.customerId.startsWith('gid://shopify/Customer/')) return 'nothing-to-send';
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
  if (errors.length > 0) {
    deps.logger.warn({ shop: job.shop, memberId: job.memberId, userErrors: errors }, 'Shopify refused the marketing unsubscribe');
    return 'refused';
  }
  return 'sent';
}

export async function emailConsentToShopifyJob(data: ConsentJob, deps: JobDeps): Promise<void> {
  const result = await sendConsentToShopify(deps, data);
  deps.logger.info({ shop: data.shop, memberId: data.memberId, result }, 'marketing unsubscribe sent to Shopify');
}
