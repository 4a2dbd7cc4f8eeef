// Earn rules and campaigns in the admin API. A rule's type and config come
// from the registry (web/loyalty/domain/rules); every change emits
// program.changed, whose subscriber drops the program cache so the next order
// earns by the new rules.
import { Router } from 'express';
import type { PrismaClient } from '../../db.js';
import { HttpError } from '../../http/errors.js';
import { parseEarnRuleInput } from '../../loyalty/domain/forms.js';
import { parseCampaign } from '../../loyalty/domain/rules/campaigns.js';
import { changeProgram } from '../../loyalty/program-changes.js';
import { notFound, shopOf, valid } from './shared.js';

const ruleJson = (r: { id: string; type: string; name: string; config: unknown; enabled: boolean; startsAt: Date | null; endsAt: Date | null; createdAt: Date }) => ({
  id: r.id,
  type: r.type,
  name: r.name,
  config: r.config,
  enabled: r.enabled,
  startsAt: r.startsAt?.toISOString() ?? null,
  endsAt: r.endsAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
});

export function earnRuleRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.get('/earn-rules', async (req, res) => {
    const shop = shopOf(req);
    const [rules, campaigns] = await Promise.all([
      prisma.earnRule.findMany({ where: { shop }, orderBy: { createdAt: 'asc' } }),
      prisma.campaign.findMany({ where: { shop }, orderBy: { startsAt: 'desc' } }),
    ]);
    res.json({ rules: rules.map(ruleJson), campaigns });
  });

  router.post('/earn-rules', async (req, res) => {
    const shop = shopOf(req);
    const input = valid(parseEarnRuleInput(req.body));
    const rule = await changeProgram(prisma, shop, 'earn-rules', req.userId, (tx) => tx.earnRule.create({ data: { shop, ...input, config: input.config as object } }));
    res.status(201).json({ rule: ruleJson(rule) });
  });

  router.put('/earn-rules/:id', async (req, res) => {
    const shop = shopOf(req);
    const input = valid(parseEarnRuleInput(req.body));
    const existing = await prisma.earnRule.findFirst({ where: { id: req.params.id, shop } });
    if (!existing) throw notFound('earn rule');
    if (existing.type !== input.type) throw new HttpError(400, 'invalid_input', 'A rule keeps its type', { type: 'cannot change; create a new rule instead' });
    const rule = await changeProgram(prisma, shop, 'earn-rules', req.userId, (tx) =>
      tx.earnRule.update({ where: { id: existing.id }, data: { ...input, config: input.config as object } }),
    );
    res.json({ rule: ruleJson(rule) });
  });

  router.delete('/earn-rules/:id', async (req, res) => {
    const shop = shopOf(req);
    const deleted = await changeProgram(prisma, shop, 'earn-rules', req.userId, (tx) => tx.earnRule.deleteMany({ where: { id: req.params.id, shop } }));
    if (deleted.count === 0) throw notFound('earn rule');
    res.status(204).end();
  });

  router.post('/campaigns', async (req, res) => {
    const shop = shopOf(req);
    const input = valid(parseCampaign(req.body));
    const campaign = await changeProgram(prisma, shop, 'campaigns', req.userId, (tx) => tx.campaign.create({ data: { shop, ...input, ruleTypes: input.ruleTypes ?? [] } }));
    res.status(201).json({ campaign });
  });

  /** Changes a campaign. Points already given stay as they were: an order's award is fixed when it is made. */
  router.put('/campaigns/:id', async (req, res) => {
    const shop = shopOf(req);
    const input = valid(parseCampaign(req.body));
    const updated = await changeProgram(prisma, shop, 'campaigns', req.userId, (tx) =>
      tx.campaign.updateMany({ where: { id: req.params.id, shop }, data: { ...input, ruleTypes: input.ruleTypes ?? [] } }),
    );
    if (updated.count === 0) throw notFound('campaign');
    res.json({ campaign: await prisma.campaign.findFirstOrThrow({ where: { id: req.params.id, shop } }) });
  });

  router.delete('/campaigns/:id', async (req, res) => {
    const shop = shopOf(req);
    const deleted = await changeProgram(prisma, shop, 'campaigns', req.userId, (tx) => tx.campaign.deleteMany({ where: { id: req.params.id, shop } }));
    if (deleted.count === 0) throw notFound('campaign');
    res.status(204).end();
  });

  return router;
}
