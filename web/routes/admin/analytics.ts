// The Analytics page's JSON (../shared/METRICS.md, web/analytics): the
// summary of every metric for all customers, members and non-members, the
// cohort retention table, trends by day, week or month, and members by tier.
// Bad dates or ranges answer 400 invalid_input naming the field.
import { Router } from 'express';
import { analyticsSummary } from '../../analytics/summary.js';
import { rangeQuery } from '../../analytics/range.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { shopOf } from './shared.js';

export function analyticsRoutes(deps: Pick<LoyaltyDeps, 'pool'>): Router {
  const router = Router();

  router.get('/analytics/summary', async (req, res) => {
    res.json(await analyticsSummary(deps, shopOf(req), rangeQuery.parse(req.query)));
  });

  return router;
}
