// The Analytics page's JSON (../shared/METRICS.md, web/analytics): the
// summary of every metric for all customers, members and non-members, the
// cohort retention table, trends by day, week or month, and members by tier.
// Bad dates or ranges answer 400 invalid_input naming the field.
import { Router } from 'express';
import { cohortRetention } from '../../analytics/cohorts.js';
import { monthRangeQuery, rangeQuery } from '../../analytics/range.js';
import { analyticsSummary } from '../../analytics/summary.js';
import { tierBreakdown } from '../../analytics/tiers.js';
import { trends, trendsQuery } from '../../analytics/trends.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { shopOf } from './shared.js';

export function analyticsRoutes(deps: Pick<LoyaltyDeps, 'pool'>): Router {
  const router = Router();

  router.get('/analytics/summary', async (req, res) => {
    res.json(await analyticsSummary(deps, shopOf(req), rangeQuery.parse(req.query)));
  });

  router.get('/analytics/cohorts', async (req, res) => {
    res.json(await cohortRetention(deps, shopOf(req), monthRangeQuery.parse(req.query)));
  });

  router.get('/analytics/trends', async (req, res) => {
    res.json(await trends(deps, shopOf(req), trendsQuery.parse(req.query)));
  });

  router.get('/analytics/tiers', async (req, res) => {
    res.json(await tierBreakdown(deps, shopOf(req), rangeQuery.parse(req.query)));
  });

  return router;
}
