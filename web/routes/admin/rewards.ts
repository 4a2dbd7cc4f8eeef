// The reward catalogue in the admin API: every type in the registry
// (web/loyalty/domain/rewards) is created and edited through the same routes.
import { Router } from 'express';
import type { PrismaClient } from '../../db.js';
import { HttpError } from '../../http/errors.js';
import { parseRewardInput } from '../../loyalty/domain/forms.js';
import { changeProgram } from '../../loyalty/program-changes.js';
import { notFound, shopOf, valid } from './shared.js';

type RewardRow = { id: string; type: string; name: string; config: unknown; tierIds: string[]; limitPerMember: number | null; enabled: boolean; createdAt: Date };

const rewardJson = (r: RewardRow, redemptions = 0) => ({
  id: r.id,
  type: r.type,
  name: r.name,
  config: r.config,
  tierIds: r.tierIds,
  limitPerMember: r.limitPerMember,
  enabled: r.enabled,
  createdAt: r.createdAt.toISOString(),
  redemptions,
});

/** A reward may name only the shop's own tiers: another shop's tier id is refused, not stored. */
async function requireOwnTiers(prisma: PrismaClient, shop: string, tierIds: string[]): Promise<void> {
  if (tierIds.length === 0) return;
  const own = await prisma.tier.findMany({ where: { shop, id: { in: tierIds } }, select: { id: true } });
  if (own.length === tierIds.length) return;
  const known = new Set(own.map((t) => t.id));
  const fields = Object.fromEntries(tierIds.flatMap((id, i) => (known.has(id) ? [] : [[`tierIds.${i}`, 'not a tier of this program']])));
  throw new HttpError(400, 'invalid_input', 'Some fields need attention', fields);
}

export function rewardAdminRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.get('/rewards', async (req, res) => {
    const shop = shopOf(req);
    const [rewards, counts] = await Promise.all([
      // System rewards (cashback payouts) are Tally's own, not the merchant's catalogue.
      prisma.reward.findMany({ where: { shop, system: false }, orderBy: { createdAt: 'asc' } }),
      prisma.redemption.groupBy({ by: ['rewardId'], where: { shop }, _count: { _all: true } }),
    ]);
    const used = new Map(counts.map((c) => [c.rewardId, c._count._all]));
    res.json({ rewards: rewards.map((r) => rewardJson(r, used.get(r.id) ?? 0)) });
  });

  router.get('/rewards/:id', async (req, res) => {
    const reward = await prisma.reward.findFirst({ where: { id: req.params.id, shop: shopOf(req), system: false } });
    if (!reward) throw notFound('reward');
    res.json({ reward: rewardJson(reward) });
  });

  router.post('/rewards', async (req, res) => {
    const shop = shopOf(req);
    const input = valid(parseRewardInput(req.body));
    await requireOwnTiers(prisma, shop, input.tierIds);
    const reward = await changeProgram(prisma, shop, 'rewards', req.userId, (tx) => tx.reward.create({ data: { shop, ...input, config: input.config as object } }));
    res.status(201).json({ reward: rewardJson(reward) });
  });

  router.put('/rewards/:id', async (req, res) => {
    const shop = shopOf(req);
    const input = valid(parseRewardInput(req.body));
    const existing = await prisma.reward.findFirst({ where: { id: req.params.id, shop, system: false } });
    if (!existing) throw notFound('reward');
    if (existing.type !== input.type) throw new HttpError(400, 'invalid_input', 'A reward keeps its type', { type: 'cannot change; create a new reward instead' });
    await requireOwnTiers(prisma, shop, input.tierIds);
    const reward = await changeProgram(prisma, shop, 'rewards', req.userId, (tx) =>
      tx.reward.update({ where: { id: existing.id }, data: { ...input, config: input.config as object } }),
    );
    res.json({ reward: rewardJson(reward) });
  });

  /** A reward members already redeemed stays for their history: switch it off instead. */
  router.delete('/rewards/:id', async (req, res) => {
    const shop = shopOf(req);
    const reward = await prisma.reward.findFirst({ where: { id: req.params.id, shop, system: false }, select: { id: true } });
    if (!reward) throw notFound('reward');
    if ((await prisma.redemption.count({ where: { shop, rewardId: reward.id } })) > 0) {
      throw new HttpError(409, 'reward_in_use', 'Members have redeemed this reward; turn it off instead of deleting it');
    }
    await changeProgram(prisma, shop, 'rewards', req.userId, (tx) => tx.reward.delete({ where: { id: reward.id } }));
    res.status(204).end();
  });

  return router;
}
