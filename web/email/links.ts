// Signed links in shopper emails: the one-click unsubscribe (RFC 8058).
//
// The URL is an app-proxy URL on the shop's domain (https://<shop>/apps/tally/email/unsubscribe?…), which Shopify
// forwards to /proxy/email/unsubscribe. It carries its own signature: an HMAC-SHA256 with a key derived from the app
// secret for this purpose alone, over (shop, member, category). The route checks that signature and not Shopify's
// app-proxy one, because:
//  - a mail client (Gmail, Apple Mail, Outlook) POSTs `List-Unsubscribe=One-Click` to the URL from its own servers,
//    days after the email went out: Shopify's proxy signature carries a timestamp Tally refuses after 90 s, and
//    nothing guarantees the POST even goes through Shopify's proxy (a password-protected or bot-checked storefront
//    answers it itself) — the link must work on its own;
//  - the link's signature is what authorises the change: only Tally can make it (the derived key never leaves the
//    server, and a different purpose string means no other signature Tally makes — or Shopify makes with the app
//    secret — is ever a valid unsubscribe signature), it names exactly one member and one category, and all it can
//    do is stop emails, which is what the recipient of that email may always ask for.
// It has no expiry: an unsubscribe link must keep working as long as the email sits in a mailbox.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EMAIL_CATEGORIES, type EmailCategory } from './messages/index.js';

export interface UnsubscribeTarget {
  shop: string;
  memberId: string;
  category: EmailCategory;
}

const keys = new Map<string, Buffer>();
function linkKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = createHmac('sha256', secret).update('tally:email-links:v1').digest();
    keys.set(secret, key);
  }
  return key;
}

/**
 * An email link's signature over `parts`, whose first is the link's purpose ("unsubscribe", "survey" …): the purpose
 * keeps one kind of link's signature from ever being valid for another.
 */
export function signLink(parts: readonly string[], secret: string): string {
  return createHmac('sha256', linkKey(secret)).update(parts.join('\n')).digest('base64url');
}

/** Whether `given` is the signature of `parts` (constant time). */
export function linkSignatureValid(parts: readonly string[], given: unknown, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(signLink(parts, secret));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function signature(target: UnsubscribeTarget, secret: string): string {
  return signLink(['unsubscribe', target.shop, target.memberId, target.category], secret);
}

/** The query that identifies and authorises an unsubscribe: s (shop), m (member), c (category), sig. */
export function unsubscribeQuery(target: UnsubscribeTarget, secret: string): URLSearchParams {
  return new URLSearchParams({ s: target.shop, m: target.memberId, c: target.category, sig: signature(target, secret) });
}

/** The target a query names when its signature is Tally's, else null. */
export function verifyUnsubscribe(query: Record<string, unknown>, secret: string): UnsubscribeTarget | null {
  const { s, m, c, sig } = query;
  if (typeof s !== 'string' || typeof m !== 'string' || typeof c !== 'string' || typeof sig !== 'string') return null;
  if (!(EMAIL_CATEGORIES as readonly string[]).includes(c)) return null;
  const target = { shop: s, memberId: m, category: c as EmailCategory };
  const expected = Buffer.from(signature(target, secret));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given) ? target : null;
}

/**
 * Where the link points. With a shop domain: the app proxy (https://<shop>/apps/tally/email/unsubscribe). In
 * development (no shop domain, no Shopify in front) the app's own /proxy route, which answers the same.
 */
export function unsubscribeUrl(target: UnsubscribeTarget, options: { secret: string; appUrl: string; viaShop: boolean }): string {
  const query = unsubscribeQuery(target, options.secret).toString();
  return options.viaShop
    ? `https://${target.shop}/apps/tally/email/unsubscribe?${query}`
    : `${options.appUrl.replace(/\/$/, '')}/proxy/email/unsubscribe?${query}`;
}
