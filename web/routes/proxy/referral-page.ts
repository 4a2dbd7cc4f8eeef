// The referral link's landing page (served through the app proxy on the
// shop's own domain). Its script keeps the referral in first-party cookies,
// asks for the friend's offer and sends them on with the code in their cart.
//
// Cookies: tally_ref (the referral the shopper followed, for the program's
// referral window) and tally_device (this browser's id, 13 months), both
// SameSite=Lax and Secure on https. The device id is only made where Shopify's
// Customer Privacy API allows analytics processing: this page is served
// outside the theme, where the API is absent, so it reuses a device id the
// widget made with consent and otherwise keeps one for this page only.
import { createHash } from 'node:crypto';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SCRIPT = `
(async () => {
  const root = document.getElementById('tally-referral');
  const out = document.getElementById('tally-offer');
  const go = document.getElementById('tally-go');
  const { code, days, visits } = root.dataset;
  const read = (name) => document.cookie.split('; ').find((c) => c.startsWith(name + '='))?.slice(name.length + 1);
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  const write = (name, value, d) => { document.cookie = name + '=' + encodeURIComponent(value) + '; max-age=' + d * 86400 + '; path=/; SameSite=Lax' + secure; };
  const privacy = window.Shopify && window.Shopify.customerPrivacy;
  const consented = Boolean(privacy && (privacy.analyticsProcessingAllowed ? privacy.analyticsProcessingAllowed() : privacy.userCanBeTracked && privacy.userCanBeTracked()));
  const device = read('tally_device') || crypto.randomUUID();
  if (consented) write('tally_device', device, 395);
  write('tally_ref', code, Number(days));
  const claimButton = document.getElementById('tally-claim');
  // A visit only says what the gift is; the discount code is made when the friend asks for it.
  const visit = async (claim) => {
    const res = await fetch(visits, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ code, deviceId: device, claim }) });
    return { ok: res.ok, body: await res.json() };
  };
  const refused = (body) => { out.textContent = body.error ? body.error.message : 'This link does not work any more.'; };
  const showOffer = (offer) => {
    claimButton.hidden = true;
    out.textContent = offer.description + ' with code ';
    const strong = document.createElement('strong');
    strong.id = 'tally-code';
    strong.textContent = offer.code;
    out.append(strong);
    go.href = offer.discountUrl;
    go.textContent = 'Shop with my gift';
  };
  try {
    const { ok, body } = await visit(false);
    if (!ok) return refused(body);
    // The order carries the referral even if the code is not used: cart attributes become the order's note_attributes.
    await fetch('/cart/update.js', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attributes: { _tally_ref: code, _tally_device: device } }) }).catch(() => undefined);
    if (body.referrer && body.referrer.firstName) document.getElementById('tally-title').textContent = body.referrer.firstName + ' sent you a gift';
    if (body.offer) return showOffer(body.offer);
    out.textContent = body.gift.description;
    claimButton.hidden = false;
    claimButton.addEventListener('click', async () => {
      claimButton.disabled = true;
      try {
        const claimed = await visit(true);
        if (!claimed.ok) return refused(claimed.body);
        if (claimed.body.offer) return showOffer(claimed.body.offer);
        out.textContent = 'Your gift is being prepared: try again in a minute.';
      } catch {
        out.textContent = 'Something went wrong: try again.';
      }
      claimButton.disabled = false;
    });
  } catch {
    out.textContent = 'Something went wrong: reload this page.';
  }
})();`;

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;text-align:center}#tally-go,#tally-claim{display:inline-block;padding:.75rem 1.5rem;background:#111;color:#fff;border:0;border-radius:.5rem;font:inherit;text-decoration:none;cursor:pointer}#tally-claim[hidden]{display:none}';
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page's own script and style and nothing else: no injected markup can run or load anything. */
export const LANDING_PAGE_HEADERS = {
  'Content-Security-Policy': `default-src 'none'; script-src ${sha256(SCRIPT)}; style-src ${sha256(STYLE)}; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'X-Content-Type-Options': 'nosniff',
};

export function landingPage(p: { code: string | null; cookieDays: number; visitsUrl: string; shopUrl: string }): string {
  const body = p.code
    ? `<main id="tally-referral" data-code="${escape(p.code)}" data-days="${p.cookieDays}" data-visits="${escape(p.visitsUrl)}">
  <h1 id="tally-title">A friend sent you a gift</h1>
  <p id="tally-offer">Getting your gift…</p>
  <p><button type="button" id="tally-claim" hidden>Get my gift</button></p>
  <p><a id="tally-go" href="${escape(p.shopUrl)}">Start shopping</a></p>
</main>
<script>${SCRIPT}</script>`
    : `<main><h1>This referral link does not work</h1><p><a href="${escape(p.shopUrl)}">Visit the shop</a></p></main>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><link rel="icon" href="data:,">
<title>A gift from a friend</title>
<style>${STYLE}</style>
</head><body>
${body}
</body></html>`;
}
