// The storefront side of referrals, through Shopify's app proxy:
//   GET  /proxy/r/:code           the referral link's landing page
//   POST /proxy/referrals/visits  records the visit, returns the friend's offer
// Shopify's app proxy strips cookies in both directions, so the landing page
// sets the first-party cookies itself (see referral-page.ts: consent, Secure,
// lifetimes) and attaches them to the cart as attributes,
// which reach the order webhook as note_attributes.
import { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { DEVICE_ID_PATTERN, REFERRAL_CODE_PATTERN } from '../../loyalty/domain/referrals/code.js';
import { recordVisit, VisitRefused, type VisitDeps } from '../../loyalty/referrals/visits.js';
import { LANDING_PAGE_HEADERS, landingPage } from './referral-page.js';
import { STOREFRONT_LIMITS, StorefrontLimits } from './rate-limit.js';

const REFUSAL_STATUS = { NOT_FOUND: 404, OWN_LINK: 409, REFERRALS_OFF: 404, OFFER_EXPIRED: 410 } as const;

const VisitInput = z.object({
  code: z.string().trim().toUpperCase().regex(REFERRAL_CODE_PATTERN, 'not a referral code'),
  deviceId: z.string().regex(DEVICE_ID_PATTERN, '8 to 64 letters, digits or -'),
  /** false: only record the visit and say what the gift is; the code is made when the friend claims it. */
  claim: z.boolean().default(true),
});

/** The visit limits (the one table is rate-limit.ts's STOREFRONT_LIMITS). */
export const VISIT_LIMITS = STOREFRONT_LIMITS.referralVisit;

export function referralProxyRoutes(deps: VisitDeps & { limits?: StorefrontLimits }): Router {
  const router = Router();
  // Each new device's visit can create a real discount code in Shopify: limited per address and per link (rate-limit.ts).
  const limits = deps.limits ?? new StorefrontLimits();

  router.get('/r/:code', async (req, res) => {
    const code = String(req.params.code).trim().toUpperCase();
    const program = await deps.programs.get(req.shop!);
    const settings = program?.settings.referrals;
    res.set('Cache-Control', 'private, no-store');
    res.set('Referrer-Policy', 'no-referrer');
    res.set(LANDING_PAGE_HEADERS);
    if (!settings?.enabled || !REFERRAL_CODE_PATTERN.test(code)) {
      return void res
        .status(404)
        .type('html')
        .send(landingPage({ code: null, cookieDays: 0, visitsUrl: '', shopUrl: '/' }));
    }
    const prefix =
      typeof req.query.path_prefix === 'string' && /^\/[\w/-]*$/.test(req.query.path_prefix) ? req.query.path_prefix : '/apps/tally';
    res.type('html').send(landingPage({ code, cookieDays: settings.cookieDays, visitsUrl: `${prefix}/referrals/visits`, shopUrl: '/' }));
  });

  router.post('/referrals/visits', async (req, res) => {
    res.set('Cache-Control', 'private, no-store');
    const shop = req.shop!;
    limits.checkAddress(req, res, 'referralVisit');
    const input = VisitInput.parse(req.body);
    limits.check(res, 'referralVisit', 'perCode', `${shop} ${input.code}`);
    try {
      const visit = await recordVisit(deps, {
        shop,
        code: input.code,
        deviceId: input.deviceId,
        customerId: req.customerId ?? null,
        claim: input.claim,
      });
      const offer = visit.offer && {
        code: visit.offer.code,
        description: visit.offer.description,
        expiresAt: visit.offer.expiresAt.toISOString(),
        // Shopify's shareable discount link: applies the code to the cart, then opens the shop.
        discountUrl: `https://${shop}/discount/${encodeURIComponent(visit.offer.code)}?redirect=%2F`,
      };
      const gift = { description: visit.gift.description, expiresAt: visit.gift.expiresAt.toISOString() };
      res.status(visit.offer || !input.claim ? 201 : 202).json({
        referral: { id: visit.referral.id, status: visit.referral.status.toLowerCase() },
        referrer: { firstName: visit.referrerFirstName },
        gift,
        offer,
      });
    } catch (error) {
      if (error instanceof VisitRefused) throw new HttpError(REFUSAL_STATUS[error.code], error.code, error.message);
      throw error;
    }
  });

  return router;
}
