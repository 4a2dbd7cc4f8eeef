// Clicks in shopper emails. Every http(s) link in a message's body goes through
// a signed redirect, https://<shop>/apps/tally/email/click?e=<send>&u=<url>&sig=…
// (the app proxy forwards it to /proxy/email/click; in development the app's own
// /proxy route), which records an EmailClick and EmailSend.clickedAt and then
// redirects to the URL.
//
// Like the unsubscribe link (links.ts), it carries its own signature rather than
// Shopify's app-proxy one (whose timestamp Tally refuses after 90 s; an email is
// clicked days later): an HMAC-SHA256 over (send, URL) with a key derived from
// the app secret for this purpose alone ("tally:email-clicks:v1"), so no other
// signature Tally makes is a valid click signature. The signature covers the URL,
// so the redirect is never open: a link whose signature does not match redirects
// only to a URL on the shop's own domain (its myshopify domain, taken from a shop
// Tally knows), and anything else is refused.
//
// A link scanner that fetches every URL in an email counts as a click: a known
// limit of click tracking (every email service has it).
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { pgSql } from '../db/sql.js';

export interface ClickTarget {
  /** The EmailSend the link is in. */
  sendId: string;
  /** Where the link goes. */
  url: string;
}

const keys = new Map<string, Buffer>();
function clickKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = createHmac('sha256', secret).update('tally:email-clicks:v1').digest();
    keys.set(secret, key);
  }
  return key;
}

function signature(target: ClickTarget, secret: string): string {
  return createHmac('sha256', clickKey(secret)).update(['click', target.sendId, target.url].join('\n')).digest('base64url');
}

const httpUrl = (url: string) => {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
};

/** The tracked URL for a link in a sent email (viaShop: the shop's app proxy; else the app's own /proxy route). */
export function clickUrl(target: ClickTarget & { shop: string }, options: { secret: string; appUrl: string; viaShop: boolean }): string {
  const query = new URLSearchParams({ e: target.sendId, u: target.url, sig: signature(target, options.secret) }).toString();
  return options.viaShop
    ? `https://${target.shop}/apps/tally/email/click?${query}`
    : `${options.appUrl.replace(/\/$/, '')}/proxy/email/click?${query}`;
}

/** The target a click query names when its signature is Tally's (and the URL is http or https), else null. */
export function verifyClick(query: Record<string, unknown>, secret: string): ClickTarget | null {
  const { e, u, sig } = query;
  if (typeof e !== 'string' || typeof u !== 'string' || typeof sig !== 'string' || !httpUrl(u)) return null;
  const target = { sendId: e, url: u };
  const expected = Buffer.from(signature(target, secret));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given) ? target : null;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>' };
const unescapeHtml = (s: string) => s.replace(/&(amp|quot|#39|lt|gt);/g, (m) => ENTITIES[m]!);
const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Every http(s) href in an HTML fragment replaced by `track(url)` (mailto:, tel: and anchors stay). */
export function trackLinks(html: string, track: (url: string) => string): string {
  return html.replace(/(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2/gi, (whole, start: string, quote: string, raw: string) => {
    const url = unescapeHtml(raw.trim());
    return httpUrl(url) ? `${start}${quote}${escapeHtml(track(url))}${quote}` : whole;
  });
}

/** Records the click (EmailClick, and EmailSend.clickedAt the first time). False when the send does not exist. */
export async function recordClick(deps: { pool: pg.Pool }, target: ClickTarget, now = new Date()): Promise<boolean> {
  const rows = await pgSql(deps.pool).$queryRaw<Array<{ sendId: string }>>`
    WITH send AS (
      UPDATE "EmailSend" SET "clickedAt" = COALESCE("clickedAt", ${now}) WHERE id = ${target.sendId} RETURNING id
    )
    INSERT INTO "EmailClick" (id, "sendId", url, "createdAt")
    SELECT ${randomUUID()}, id, ${target.url.slice(0, 2000)}, ${now} FROM send
    RETURNING "sendId"`;
  return rows.length > 0;
}

/**
 * Where an unsigned (or wrongly signed) click link may still go: a URL on the shop's own myshopify domain, for a shop
 * Tally knows. Anything else: null (refused, never redirected).
 */
export async function shopOwnUrl(deps: { pool: pg.Pool }, url: unknown): Promise<string | null> {
  if (typeof url !== 'string' || !httpUrl(url)) return null;
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'https:') return null;
  const [shop] = await pgSql(deps.pool).$queryRaw<Array<{ domain: string }>>`
    SELECT domain FROM "Shop" WHERE domain = ${hostname.toLowerCase()}`;
  return shop ? url : null;
}
