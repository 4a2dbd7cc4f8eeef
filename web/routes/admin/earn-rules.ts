// Earn rules and campaigns in the admin API. A rule's type and config come
// from the registry (web/loyalty/domain/rules); the services in
// web/loyalty/earn-rules.ts emit program.changed with every change.
import { Router } from 'express';
import { HttpError } from '../../http/errors.js';
import { parseEarnRuleInput } from '../../loyalty/domain/forms.js';
import { parseCampaign } from '../../loyalty/domain/rules/campaigns.js';
import {
  createCampaign,
  createEarnRule,
  deleteCampaign,
  deleteEarnRule,
  listEarnRules,
  updateCampaign,
  updateEarnRule,
} from '../../loyalty/earn-rules.js';
import { UnknownReferences } from '../../loyalty/rewards.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { notFound, shopOf, valid } from './shared.js';

const ruleJson = (r: {
  id: string;
  type: string;
  name: string;
  config: unknown;
  enabled: boolean;
  startsAt: Date | null;
  endsAt: Date | null;
  createdAt: Date;
}) => ({
  id: r.id,
  type: r.type,
  name: r.name,
  config: r.config,
  enabled: r.enabled,
  startsAt: r.startsAt?.toISOString() ?? null,
  endsAt: r.endsAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
});

/** A campaign naming no segment of the shop: 400 with the field. */
const unknownSegment = (error: unknown): never => {
  throw error instanceof UnknownReferences ? new HttpError(400, 'invalid_input', error.message, error.fields) : error;
};

export function earnRuleRoutes(deps: LoyaltyDeps): Router {
  const router = Router();

  router.get('/earn-rules', async (req, res) => {
    const { rules, campaigns } = await listEarnRules(deps, shopOf(req));
    res.json({ rules: rules.map(ruleJson), campaigns });
  });

  router.post('/earn-rules', async (req, res) => {
    const input = valid(parseEarnRuleInput(req.body));
    const rule = await createEarnRule(deps, shopOf(req), input, req.userId);
    res.status(201).json({ rule: ruleJson(rule) });
  });

  router.put('/earn-rules/:id', async (req, res) => {
    const input = valid(parseEarnRuleInput(req.body));
    const rule = await updateEarnRule(deps, shopOf(req), req.params.id, input, req.userId);
    if (rule === 'not-found') throw notFound('earn rule');
    if (rule === 'type-changed')
      throw new HttpError(400, 'invalid_input', 'A rule keeps its type', { type: 'cannot change; create a new rule instead' });
    res.json({ rule: ruleJson(rule) });
  });

  router.delete('/earn-rules/:id', async (req, res) => {
    if (!(await deleteEarnRule(deps, shopOf(req), req.params.id, req.userId))) throw notFound('earn rule');
    res.status(204).end();
  });

  router.post('/campaigns', async (req, res) => {
    const input = valid(parseCampaign(req.body));
    res.status(201).json({ campaign: await createCampaign(deps, shopOf(req), input, req.userId).catch(unknownSegment) });
  });

  /** Changes a campaign. Points already given stay as they were: an order's award is fixed when it is made. */
  router.put('/campaigns/:id', async (req, res) => {
    const input = valid(parseCampaign(req.body));
    const campaign = await updateCampaign(deps, shopOf(req), req.params.id, input, req.userId).catch(unknownSegment);
    if (!campaign) throw notFound('campaign');
    res.json({ campaign });
  });

  router.delete('/campaigns/:id', async (req, res) => {
    if (!(await deleteCampaign(deps, shopOf(req), req.params.id, req.userId))) throw notFound('campaign');
    res.status(204).end();
  });

  return router;
}
