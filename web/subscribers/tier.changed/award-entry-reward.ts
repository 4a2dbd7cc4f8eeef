// A tier's entry reward (its perks' entryRewardId), granted on the way up and
// once per entry: the key names the tier and the moment it was reached — a
// move's time, the event's. The reward is issued after commit like any other.
import { defineSubscriber } from '../../events/subscriber.js';
import { grantReward } from '../../loyalty/redemptions.js';
import { workingTiers } from '../../loyalty/working-program.js';

export default defineSubscriber({
  on: 'tier.changed',
  mode: 'in-transaction',
  async handle(event, { sql }) {
    if (event.data.direction !== 'up' || !event.memberId) return;
    const tier = workingTiers(sql, event.shop).find((t) => t.id === event.data.to);
    const rewardId = tier?.perks.entryRewardId;
    if (!rewardId) return;
    await grantReward(
      sql,
      { shop: event.shop, memberId: event.memberId, rewardId, idempotencyKey: `tier-entry:${tier.id}:${event.at.toISOString()}` },
      event.at,
    );
  },
});
