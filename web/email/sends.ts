// Deciding to send: one EmailSend row per (shop, member, message, cause),
// written before anything is handed to SMTP. A redelivered event finds its row
// and records nothing (INSERT … ON CONFLICT DO NOTHING), so it sends nothing.
// A message Tally will not send to this member is recorded as `suppressed`
// with the reason, so the admin's log says why.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/sql.js';
import { emailLocale, emailMessage, type EmailCategory } from './messages/index.js';
import { isPaced, lastPacedSend, pacedSendTime } from './schedule.js';
import { messageEnabled, shopEmailSettings } from './settings.js';

export interface EmailRequest {
  shop: string;
  memberId: string;
  key: string;
  /** What this message is about, e.g. "event:<id>": one message per member, key and cause. */
  cause: string;
  /** The message's own merge variables (tier, adjustment, reward …); the member's and the shop's are added. */
  data: Record<string, unknown>;
  /** When the decision is made (tests fix the clock); reminder and marketing messages are paced from it. */
  now?: Date;
  /** Not before this long after `now` (a digest collects the day's orders first). */
  delayMs?: number;
}

export type Recorded =
  { id: string; status: 'queued' | 'suppressed'; reason: string | null; notBefore: Date } | 'disabled' | 'no-member' | 'duplicate';

interface MemberRow {
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  redactedAt: Date | null;
  emailUndeliverableAt: Date | null;
  emailMarketingState: string | null;
  pointsAvailable: number;
  pointsPending: number;
  tierName: string | null;
  shopName: string | null;
  unsubscribed: boolean;
}

/** Why the member must not get a message of this category, or null. */
export function suppression(member: Omit<MemberRow, 'shopName'>, category: EmailCategory): string | null {
  if (member.redactedAt) return 'customer data redacted';
  if (!member.email) return 'no email address';
  if (member.emailUndeliverableAt) return 'address undeliverable (bounced)';
  if (member.unsubscribed) return `unsubscribed from ${category} emails`;
  if (category === 'marketing' && (member.emailMarketingState ?? '').toUpperCase() !== 'SUBSCRIBED')
    return 'not subscribed to email marketing in Shopify';
  return null;
}

/** Records the decision to send `key` to the member (queued or suppressed), once per cause. */
export async function recordEmail(sql: Sql, request: EmailRequest): Promise<Recorded> {
  const message = emailMessage(request.key);
  if (!message) throw new Error(`Unknown email ${request.key}`);
  if (!(await messageEnabled(sql, request.shop, request.key))) return 'disabled';
  const [member] = await sql.$queryRaw<MemberRow[]>`
    SELECT m.email, m."firstName", m."lastName", m.locale, m."redactedAt", m."emailUndeliverableAt", m."emailMarketingState",
           m."pointsAvailable", m."pointsPending", t.name AS "tierName", s.name AS "shopName",
           EXISTS (SELECT 1 FROM "EmailUnsubscribe" u
                   WHERE u.shop = m.shop AND u."memberId" = m.id AND u.category = ${message.category}) AS unsubscribed
    FROM "Member" m LEFT JOIN "Tier" t ON t.id = m."tierId" LEFT JOIN "Shop" s ON s.domain = m.shop
    WHERE m.id = ${request.memberId} AND m.shop = ${request.shop}`;
  if (!member) return 'no-member';
  const reason = suppression(member, message.category);
  const locale = emailLocale(member.locale);
  // A suppressed row keeps no personal data: it says only that, and why, Tally did not send.
  const data = reason
    ? {}
    : {
        ...request.data,
        shop: { name: member.shopName ?? request.shop },
        member: {
          first_name: member.firstName ?? '',
          last_name: member.lastName ?? '',
          email: member.email,
          points: Number(member.pointsAvailable),
          pending_points: Number(member.pointsPending),
          tier: member.tierName ?? '',
        },
      };
  const status = reason ? 'suppressed' : 'queued';
  const now = request.now ?? new Date();
  // Reminder and marketing messages wait for the member's frequency cap and the shop's send window (./schedule.ts).
  let notBefore = new Date(now.getTime() + (request.delayMs ?? 0));
  if (!reason && isPaced(message.category)) {
    const settings = await shopEmailSettings(sql, request.shop);
    const policy = { timeZone: settings.timeZone, window: settings.sendWindow, capDays: settings.frequencyCapDays };
    notBefore = pacedSendTime(notBefore, policy, await lastPacedSend(sql, request.shop, request.memberId, now, policy.capDays));
  }
  const rows = await sql.$queryRaw<Array<{ id: string }>>`
    INSERT INTO "EmailSend" (id, shop, "memberId", key, category, cause, "to", locale, status, reason, data, "notBefore")
    VALUES (${randomUUID()}, ${request.shop}, ${request.memberId}, ${request.key}, ${message.category}, ${request.cause},
            ${reason ? '' : member.email!}, ${locale}, ${status}, ${reason}, ${JSON.stringify(data)}::jsonb, ${notBefore})
    ON CONFLICT (shop, "memberId", key, cause) DO NOTHING
    RETURNING id`;
  const row = rows[0];
  return row ? { id: row.id, status, reason, notBefore } : 'duplicate';
}

/**
 * Why the member must not get a message of this category now, or null: asked again when a queued row goes, since a
 * reminder may wait days for its window or cap while the member unsubscribes, withdraws consent or is redacted.
 */
export async function suppressedNow(sql: Sql, shop: string, memberId: string, category: EmailCategory): Promise<string | null> {
  const [member] = await sql.$queryRaw<Array<Omit<MemberRow, 'shopName' | 'tierName'>>>`
    SELECT m.email, m."firstName", m."lastName", m.locale, m."redactedAt", m."emailUndeliverableAt", m."emailMarketingState",
           m."pointsAvailable", m."pointsPending",
           EXISTS (SELECT 1 FROM "EmailUnsubscribe" u
                   WHERE u.shop = m.shop AND u."memberId" = m.id AND u.category = ${category}) AS unsubscribed
    FROM "Member" m WHERE m.id = ${memberId} AND m.shop = ${shop}`;
  if (!member) return 'member deleted';
  return suppression({ ...member, tierName: null }, category);
}
