// JSON API for the admin UI. Mounted behind session-token auth: req.shop is
// the token's shop, and every service below is scoped to it. Routes only
// validate, call one service and respond (docs/architecture.md).
import { Router } from 'express';
import type { MailSetup } from '../../email/sender.js';
import { HttpError, refuseNulCharacters } from '../../http/errors.js';
import { dashboard, dashboardQuery } from '../../loyalty/analytics.js';
import { findComplianceRequest, listComplianceRequests } from '../../loyalty/compliance.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { shopSummary } from '../../loyalty/shops.js';
import { analyticsRoutes } from './analytics.js';
import { earnRuleRoutes } from './earn-rules.js';
import { emailRoutes } from './emails.js';
import { eventRoutes } from './events.js';
import { importRoutes } from './imports.js';
import { memberRoutes } from './members.js';
import { programRoutes } from './program.js';
import { adminRedemptionRoutes, type RedemptionRouteDeps } from './redemptions.js';
import { adminReferralRoutes } from './referrals.js';
import { rewardAdminRoutes } from './rewards.js';
import { segmentRoutes } from './segments.js';
import { segmentGiftRoutes } from './segment-gifts.js';
import { shopOf } from './shared.js';
import { surveyRoutes } from './surveys.js';
import { surveyResponseRoutes } from './survey-responses.js';
import { surveySendRoutes } from './survey-send.js';
import { tierRoutes } from './tiers.js';

/** mail: shopper emails' SMTP transport, for the Emails page's test send (null or absent: none configured). */
export type AdminDeps = LoyaltyDeps & RedemptionRouteDeps & { mail?: MailSetup | null };

export function adminRoutes(deps: AdminDeps): Router {
  const router = Router();
  router.use(refuseNulCharacters);
  router.use(programRoutes(deps));
  router.use(earnRuleRoutes(deps));
  router.use(rewardAdminRoutes(deps));
  router.use(eventRoutes(deps));
  router.use(memberRoutes(deps));
  router.use(adminRedemptionRoutes(deps));
  router.use(adminReferralRoutes(deps));
  router.use(tierRoutes(deps));
  router.use(emailRoutes(deps));
  router.use(analyticsRoutes(deps));
  router.use(importRoutes(deps));
  router.use(segmentRoutes(deps));
  router.use(segmentGiftRoutes(deps));
  router.use(surveyRoutes(deps));
  router.use(surveyResponseRoutes(deps));
  router.use(surveySendRoutes(deps));

  router.get('/dashboard', async (req, res) => {
    res.json(await dashboard(deps, shopOf(req), dashboardQuery.parse(req.query)));
  });

  router.get('/shop', async (req, res) => {
    res.json(await shopSummary(deps, shopOf(req)));
  });

  router.get('/compliance-requests', async (req, res) => {
    res.json({ requests: await listComplianceRequests(deps, shopOf(req)) });
  });

  router.get('/compliance-requests/:id', async (req, res) => {
    const request = await findComplianceRequest(deps, shopOf(req), req.params.id);
    if (!request) throw new HttpError(404, 'not_found', 'No such compliance request');
    res.json({ request });
  });

  return router;
}
