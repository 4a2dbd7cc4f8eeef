// The one-click unsubscribe of shopper emails (RFC 8058), at
// /proxy/email/unsubscribe — what Shopify's app proxy forwards
// https://<shop>/apps/tally/email/unsubscribe to. It is mounted before the
// app-proxy signature check: the link's own signature (web/email/links.ts)
// authorises it, so a mail client's POST works days later and from anywhere.
//  POST with List-Unsubscribe=One-Click: stops that category for the member (2xx, no redirect, no page needed).
//  GET: a small page saying what the link does, with a button that POSTs — a GET alone changes nothing, because
//       link scanners and previews fetch every URL in an email.
// And /proxy/email/click, every link in an email's body (web/email/clicks.ts): records the click, then redirects to
// the URL the link's signature covers; a link that is not Tally's redirects only to the shop's own domain.
import express, { Router, type Response } from 'express';
import { recordClick, shopOwnUrl, verifyClick } from '../email/clicks.js';
import { unsubscribePageFacts, unsubscribe, type ConsentQueue } from '../email/unsubscribe.js';
import { verifyUnsubscribe, type UnsubscribeTarget } from '../email/links.js';
import type { LoyaltyDeps } from '../loyalty/services.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CATEGORY_NAMES = { account: 'account emails', reminder: 'reminders', marketing: 'offers and news' } as const;

function page(res: Response, status: number, title: string, body: string) {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<meta name="robots" content="noindex"><title>${esc(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}` +
        `button{font:inherit;padding:.6rem 1.2rem;border-radius:8px;border:0;background:#1a1a1a;color:#fff;cursor:pointer}</style></head>` +
        `<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`,
    );
}

export function emailLinkRoutes(deps: Pick<LoyaltyDeps, 'pool'> & { secret: string; jobs?: ConsentQueue | null }): Router {
  const router = Router();
  const target = (query: unknown): UnsubscribeTarget | null => verifyUnsubscribe(query as Record<string, unknown>, deps.secret);

  router.get('/unsubscribe', async (req, res) => {
    const t = target(req.query);
    const facts = t ? await unsubscribePageFacts(deps, t) : null;
    if (!t || !facts) return page(res, 404, 'Link not valid', '<p>This unsubscribe link is not valid.</p>');
    const what = CATEGORY_NAMES[t.category];
    if (facts.unsubscribed) return page(res, 200, 'You are unsubscribed', `<p>You no longer get ${what} from ${esc(facts.shopName)}.</p>`);
    page(
      res,
      200,
      `Unsubscribe from ${what}`,
      `<p>Stop getting ${what} from the ${esc(facts.shopName)} rewards program?</p>` +
        `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
    );
  });

  router.post('/unsubscribe', express.raw({ type: () => true, limit: '16kb' }), async (req, res) => {
    const t = target(req.query);
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    // RFC 8058: the POST carries List-Unsubscribe=One-Click (urlencoded or multipart form data).
    if (!/List-Unsubscribe=One-Click|name="List-Unsubscribe"\s+One-Click/.test(body.replace(/\r\n/g, ' ')))
      return page(res, 400, 'Not an unsubscribe request', '<p>The request did not ask to unsubscribe.</p>');
    const done = t ? await unsubscribe(deps, t) : null;
    if (!t || !done) return page(res, 404, 'Link not valid', '<p>This unsubscribe link is not valid.</p>');
    page(res, 200, 'You are unsubscribed', `<p>You no longer get ${CATEGORY_NAMES[t.category]} from ${esc(done.shopName)}.</p>`);
  });

  router.get('/click', async (req, res) => {
    const click = verifyClick(req.query as Record<string, unknown>, deps.secret);
    if (click) {
      await recordClick(deps, click);
      return res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer').redirect(302, click.url);
    }
    const own = await shopOwnUrl(deps, req.query.u);
    if (own) return res.set('Cache-Control', 'no-store').redirect(302, own);
    page(res, 400, 'Link not valid', '<p>This link is not valid.</p>');
  });

  return router;
}
