// The detractor alert: a short email to the merchant's own address (the email setting detractorAlertsTo) when a
// survey answer is a detractor's (NPS 0–6, CSAT 1–2), so someone can follow up while it is fresh. It is the merchant's
// mail, not a shopper's: no EmailSend row, template, cap or unsubscribe link. The survey.detractor subscriber sends it;
// the dispatcher's delivery (one per event and subscriber, retried on a throw) makes it at least once, and the
// Message-ID derived from the event lets a mail server drop the rare second copy.
import type { Sql } from '../db/sql.js';
import { formatMoneyIn } from '../loyalty/domain/money.js';
import { senderWithName, type MailSetup } from '../email/sender.js';
import { parseEmailSettings } from '../email/settings.js';
import type { OutgoingEmail } from '../email/transport.js';

export interface DetractorFacts {
  shopName: string;
  currency: string;
  surveyName: string;
  surveyType: string;
  score: number;
  comment: string | null;
  /** The member's name, else their email; null for an anonymised or guest answer. */
  who: string | null;
  tier: string | null;
  lifetimePoints: number | null;
  netSalesMinor: number | null;
}

/** The scale an answer is out of, for "3/10". */
const OUT_OF: Record<string, number> = { nps: 10, csat: 5 };

/** What the alert says, read in one statement: the answer, the survey, and the member's tier, points and net sales. */
export async function detractorFacts(sql: Sql, shop: string, responseId: string): Promise<Omit<DetractorFacts, 'score'> | null> {
  const [row] = await sql.$queryRaw<
    Array<{
      shopName: string;
      currency: string;
      surveyName: string;
      surveyType: string;
      comment: string | null;
      firstName: string | null;
      lastName: string | null;
      email: string | null;
      tier: string | null;
      lifetimePoints: bigint | null;
      netSalesMinor: bigint | null;
      hasMember: boolean;
    }>
  >`
    SELECT s.name AS "shopName", s."currencyCode" AS currency, v.name AS "surveyName", v.type AS "surveyType", r.comment,
           m."firstName", m."lastName", m.email, t.name AS tier, m."lifetimeEarned" AS "lifetimePoints", m.id IS NOT NULL AS "hasMember",
           (SELECT sum(o."netSalesMinor") FROM "Order" o
             WHERE o.shop = r.shop AND o."memberId" = m.id AND o."netSalesMinor" IS NOT NULL AND o."cancelledAt" IS NULL)::bigint AS "netSalesMinor"
    FROM "SurveyResponse" r
    JOIN "Survey" v ON v.id = r."surveyId"
    JOIN "Shop" s ON s.domain = r.shop
    LEFT JOIN "Member" m ON m.id = r."memberId" AND m."redactedAt" IS NULL
    LEFT JOIN "Tier" t ON t.id = m."tierId"
    WHERE r.id = ${responseId} AND r.shop = ${shop}`;
  if (!row) return null;
  const name = [row.firstName, row.lastName].filter(Boolean).join(' ').trim();
  return {
    shopName: row.shopName,
    currency: row.currency,
    surveyName: row.surveyName,
    surveyType: row.surveyType,
    comment: row.comment,
    who: name || row.email || null,
    tier: row.tier,
    lifetimePoints: row.hasMember && row.lifetimePoints !== null ? Number(row.lifetimePoints) : null,
    netSalesMinor: row.hasMember ? Number(row.netSalesMinor ?? 0n) : null,
  };
}

/** The survey's Feedback page: in the shop's Shopify admin when embedded, else the app's own admin (development). */
export function feedbackUrl(shop: string, surveyId: string, mail: Pick<MailSetup, 'appUrl' | 'viaShop' | 'apiKey'>): string {
  const path = `/feedback/${encodeURIComponent(surveyId)}`;
  return mail.viaShop && mail.apiKey
    ? `https://${shop}/admin/apps/${mail.apiKey}${path}`
    : `${mail.appUrl.replace(/\/$/, '')}${path}?shop=${encodeURIComponent(shop)}`;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The alert's subject, text and HTML (every merchant-, shopper- or survey-given string escaped in the HTML). */
export function detractorAlert(facts: DetractorFacts, link: string): Pick<OutgoingEmail, 'subject' | 'text' | 'html'> {
  const score = `${facts.score}/${OUT_OF[facts.surveyType] ?? '?'}`;
  const from = facts.who ?? 'an anonymous respondent';
  const lines: Array<[string, string]> = [
    ['Score', score],
    ['Comment', facts.comment ?? '(none)'],
    ['Member', facts.who ?? '(not a member, or anonymised)'],
  ];
  if (facts.tier) lines.push(['Tier', facts.tier]);
  if (facts.lifetimePoints !== null) lines.push(['Lifetime points', facts.lifetimePoints.toLocaleString('en-US')]);
  if (facts.netSalesMinor !== null) lines.push(['Net sales', formatMoneyIn(facts.netSalesMinor, facts.currency, 'en-US')]);
  const subject = `Detractor on ${facts.surveyName}: ${score} from ${from}`.replace(/[\r\n]+/g, ' ');
  const text = [
    `A detractor answered "${facts.surveyName}" at ${facts.shopName}.`,
    '',
    ...lines.map(([k, v]) => `${k}: ${v}`),
    '',
    `See the answers: ${link}`,
  ].join('\n');
  const rows = lines
    .map(
      ([k, v]) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(k)}</th><td style="white-space:pre-wrap">${escapeHtml(v)}</td></tr>`,
    )
    .join('');
  const html =
    `<!doctype html><html><body style="font-family:sans-serif">` +
    `<p>A detractor answered &ldquo;${escapeHtml(facts.surveyName)}&rdquo; at ${escapeHtml(facts.shopName)}.</p>` +
    `<table>${rows}</table>` +
    `<p><a href="${escapeHtml(link)}">See the answers on the Feedback page</a></p></body></html>`;
  return { subject, text, html };
}

/** The merchant's alert address when the setting is on (null: off). */
export async function detractorAlertsTo(sql: Sql, shop: string): Promise<{ to: string; senderName?: string; replyTo?: string } | null> {
  const [row] = await sql.$queryRaw<Array<{ emailSettings: unknown }>>`SELECT "emailSettings" FROM "Program" WHERE shop = ${shop}`;
  const settings = parseEmailSettings(row?.emailSettings);
  return settings.detractorAlertsTo ? { to: settings.detractorAlertsTo, senderName: settings.senderName, replyTo: settings.replyTo } : null;
}

/** Sends the alert for one survey.detractor event (a throw lets the dispatcher retry). */
export async function sendDetractorAlert(
  sql: Sql,
  mail: MailSetup,
  event: { id: string; shop: string; data: { surveyId: string; responseId: string; score: number } },
): Promise<'sent' | 'off' | 'gone'> {
  const setting = await detractorAlertsTo(sql, event.shop);
  if (!setting) return 'off';
  const facts = await detractorFacts(sql, event.shop, event.data.responseId);
  if (!facts) return 'gone';
  // The event's score: the answer may have changed since, the alert is about this one.
  const content = detractorAlert({ ...facts, score: event.data.score }, feedbackUrl(event.shop, event.data.surveyId, mail));
  await mail.mailer.send({
    from: senderWithName(mail.mailer.from, setting.senderName ?? facts.shopName),
    to: setting.to,
    replyTo: setting.replyTo,
    ...content,
    messageId: `<survey-detractor-${event.id}@tally>`,
    headers: { 'X-Tally-Email': 'survey_detractor_alert' },
  });
  return 'sent';
}
