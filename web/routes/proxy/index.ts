// JSON API for the storefront widget, reached through Shopify's app proxy
// (/apps/tally/* → /proxy/*). req.shop and req.customerId come from the
// signed query only.
import { Router } from 'express';
import { DEVICE_ID_PATTERN } from '../../loyalty/domain/referrals/code.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { widgetSightings } from '../../loyalty/shops.js';
import { shopperPanel } from '../../loyalty/storefront-member.js';

export interface ProxyOptions {
  /** The shareable referral link for a code (the app proxy landing route on the shop's domain). */
  referralLink(shop: string, code: string, appOrigin: string): string;
}

export function proxyRoutes(deps: LoyaltyDeps, options: ProxyOptions): Router {
  const router = Router();
  const widgetSeen = widgetSightings(deps);

  /** The logged-in shopper's membership and recent activity; guests get { member: null } and the program. */
  router.get('/member', async (req, res) => {
    res.set('Cache-Control', 'private, no-store');
    const shop = req.shop!;
    // Only the widget sends its device id: the theme's app embed is on (the admin's dashboard stops asking).
    if (typeof req.query.device === 'string')
      void widgetSeen(shop).catch((err: unknown) => req.log.warn({ err }, 'could not record the widget sighting'));
    // The widget sends its device cookie (?device=): a friend later visiting from this device is this member.
    const device = typeof req.query.device === 'string' && DEVICE_ID_PATTERN.test(req.query.device) ? req.query.device : null;
    const appOrigin = `${req.protocol}://${req.get('host')}`;
    res.json(
      await shopperPanel(deps, {
        shop,
        customerId: req.customerId ?? null,
        device,
        referralUrl: (code) => options.referralLink(shop, code, appOrigin),
      }),
    );
  });

  return router;
}
