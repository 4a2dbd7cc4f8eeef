// The reward catalogue as the merchant edits it (every type in the registry,
// web/loyalty/domain/rewards, through the same functions): configuration
// CRUD on Prisma, each change committed with program.changed.
import type { RewardInput } from './domain/forms.js';
import type { FieldErrors } from './domain/validation.js';
import { changeProgram } from './program-changes.js';
import type { LoyaltyDeps } from './services.js';
import { unknownSegmentRefs } from '../segments/targeting.js';

type Deps = Pick<LoyaltyDeps, 'prisma'>;
type Actor = string | null | undefined;

/** A reward (or campaign) may name only the shop's own tiers and segments: another shop's id is refused, not stored. */
export class UnknownReferences extends Error {
  constructor(readonly fields: FieldErrors) {
    super('Some fields need attention');
  }
}
export { UnknownReferences as UnknownTiers };

async function requireOwnTargets({ prisma }: Deps, shop: string, tierIds: string[], segmentIds: string[]): Promise<void> {
  const [own, unknownSegments] = await Promise.all([
    tierIds.length ? prisma.tier.findMany({ where: { shop, id: { in: tierIds } }, select: { id: true } }) : [],
    unknownSegmentRefs(prisma, shop, segmentIds),
  ]);
  const known = new Set(own.map((t) => t.id));
  const fields: FieldErrors = {
    ...Object.fromEntries(tierIds.flatMap((id, i) => (known.has(id) ? [] : [[`tierIds.${i}`, 'not a tier of this program']]))),
    ...Object.fromEntries(
      segmentIds.flatMap((id, i) => (unknownSegments.includes(id) ? [[`segmentIds.${i}`, 'not a segment of this shop']] : [])),
    ),
  };
  if (Object.keys(fields).length > 0) throw new UnknownReferences(fields);
}

/** The merchant's catalogue with how often each reward was redeemed (system rewards, cashback payouts, are Tally's own). */
export async function listRewards({ prisma }: Deps, shop: string) {
  const [rewards, counts] = await Promise.all([
    prisma.reward.findMany({ where: { shop, system: false }, orderBy: { createdAt: 'asc' } }),
    prisma.redemption.groupBy({ by: ['rewardId'], where: { shop }, _count: { _all: true } }),
  ]);
  const used = new Map(counts.map((c) => [c.rewardId, c._count._all]));
  return rewards.map((reward) => ({ reward, redemptions: used.get(reward.id) ?? 0 }));
}

export function findReward({ prisma }: Deps, shop: string, id: string) {
  return prisma.reward.findFirst({ where: { id, shop, system: false } });
}

/** Throws UnknownReferences when it names another shop's tier or segment. */
export async function createReward(deps: Deps, shop: string, input: RewardInput, actor: Actor) {
  await requireOwnTargets(deps, shop, input.tierIds, input.segmentIds);
  return changeProgram(deps.prisma, shop, 'rewards', actor, (tx) =>
    tx.reward.create({ data: { shop, ...input, config: input.config as object } }),
  );
}

/** A reward keeps its type ('type-changed'); throws UnknownReferences when it names another shop's tier or segment. */
export async function updateReward(deps: Deps, shop: string, id: string, input: RewardInput, actor: Actor) {
  const existing = await findReward(deps, shop, id);
  if (!existing) return 'not-found' as const;
  if (existing.type !== input.type) return 'type-changed' as const;
  await requireOwnTargets(deps, shop, input.tierIds, input.segmentIds);
  return changeProgram(deps.prisma, shop, 'rewards', actor, (tx) =>
    tx.reward.update({ where: { id: existing.id }, data: { ...input, config: input.config as object } }),
  );
}

/** A reward members already redeemed stays for their history ('in-use': switch it off instead). */
export async function deleteReward({ prisma }: Deps, shop: string, id: string, actor: Actor): Promise<'deleted' | 'not-found' | 'in-use'> {
  const reward = await prisma.reward.findFirst({ where: { id, shop, system: false }, select: { id: true } });
  if (!reward) return 'not-found';
  if ((await prisma.redemption.count({ where: { shop, rewardId: reward.id } })) > 0) return 'in-use';
  await changeProgram(prisma, shop, 'rewards', actor, (tx) => tx.reward.delete({ where: { id: reward.id } }));
  return 'deleted';
}
