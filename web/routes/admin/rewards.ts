// The reward catalogue in the admin API: every type in the registry
// (web/loyalty/domain/rewards) is created and edited through the same routes.
import { Router } from 'express';
import { HttpError } from '../../http/errors.js';
import { parseRewardInput } from '../../loyalty/domain/forms.js';
import { createReward, deleteReward, findReward, listRewards, UnknownTiers, updateReward } from '../../loyalty/rewards.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { notFound, shopOf, valid } from './shared.js';

type RewardRow = {
  id: string;
  type: string;
  name: string;
  config: unknown;
  tierIds: string[];
  segmentIds: string[];
  limitPerMember: number | null;
  enabled: boolean;
  createdAt: Date;
};

const rewardJson = (r: RewardRow, redemptions = 0) => ({
  id: r.id,
  type: r.type,
  name: r.name,
  config: r.config,
  tierIds: r.tierIds,
  segmentIds: r.segmentIds,
  limitPerMember: r.limitPerMember,
  enabled: r.enabled,
  createdAt: r.createdAt.toISOString(),
  redemptions,
});

const unknownTiers = (error: unknown) =>
  error instanceof UnknownTiers ? new HttpError(400, 'invalid_input', error.message, error.fields) : error;

export function rewardAdminRoutes(deps: LoyaltyDeps): Router {
  const router = Router();

  router.get('/rewards', async (req, res) => {
    const rewards = await listRewards(deps, shopOf(req));
    res.json({ rewards: rewards.map(({ reward, redemptions }) => rewardJson(reward, redemptions)) });
  });

  router.get('/rewards/:id', async (req, res) => {
    const reward = await findReward(deps, shopOf(req), req.params.id);
    if (!reward) throw notFound('reward');
    res.json({ reward: rewardJson(reward) });
  });

  router.post('/rewards', async (req, res) => {
    const input = valid(parseRewardInput(req.body));
    const reward = await createReward(deps, shopOf(req), input, req.userId).catch((error: unknown) => {
      throw unknownTiers(error);
    });
    res.status(201).json({ reward: rewardJson(reward) });
  });

  router.put('/rewards/:id', async (req, res) => {
    const input = valid(parseRewardInput(req.body));
    const reward = await updateReward(deps, shopOf(req), req.params.id, input, req.userId).catch((error: unknown) => {
      throw unknownTiers(error);
    });
    if (reward === 'not-found') throw notFound('reward');
    if (reward === 'type-changed')
      throw new HttpError(400, 'invalid_input', 'A reward keeps its type', { type: 'cannot change; create a new reward instead' });
    res.json({ reward: rewardJson(reward) });
  });

  /** A reward members already redeemed stays for their history: switch it off instead. */
  router.delete('/rewards/:id', async (req, res) => {
    const outcome = await deleteReward(deps, shopOf(req), req.params.id, req.userId);
    if (outcome === 'not-found') throw notFound('reward');
    if (outcome === 'in-use')
      throw new HttpError(409, 'reward_in_use', 'Members have redeemed this reward; turn it off instead of deleting it');
    res.status(204).end();
  });

  return router;
}
