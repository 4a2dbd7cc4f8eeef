// The reward catalogue as the merchant edits it (every type in the registry,
// web/loyalty/domain/rewards, through the same functions): configuration
// CRUD on Prisma, each change committed with program.changed.
import type { RewardInput } from './domain/forms.js';
import type { FieldErrors } from './domain/validation.js';
import { changeProgram } from './program-changes.js';
import type { LoyaltyDeps } from './services.js';

type Deps = Pick<LoyaltyDeps, 'prisma'>;
type Actor = string | null | undefined;

/** A reward may name only the shop's own tiers: another shop's tier id is refused, not stored. */
export class UnknownTiers extends Error {
  constructor(readonly fields: FieldErrors) {
    super('Some fields need attention');
  }
}

async function requireOwnTiers({ prisma }: Deps, shop: string, tierIds: string[]): Promise<void> {
  if (tierIds.length === 0) return;
  const own = await prisma.tier.findMany({ where: { shop, id: { in: tierIds } }, select: { id: true } });
  if (own.length === tierIds.length) return;
  const known = new Set(own.map((t) => t.id));
  throw new UnknownTiers(
    Object.fromEntries(tierIds.flatMap((id, i) => (known.has(id) ? [] : [[`tierIds.${i}`, 'not a tier of this program']]))),
  );
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

/** Throws UnknownTiers when it names another shop's tier. */
export async function createReward(deps: Deps, shop: string, input: RewardInput, actor: Actor) {
  await requireOwnTiers(deps, shop, input.tierIds);
  return changeProgram(deps.prisma, shop, 'rewards', actor, (tx) =>
    tx.reward.create({ data: { shop, ...input, config: input.config as object } }),
  );
}

/** A reward keeps its type ('type-changed'); throws UnknownTiers when it names another shop's tier. */
export async function updateReward(deps: Deps, shop: string, id: string, input: RewardInput, actor: Actor) {
  const existing = await findReward(deps, shop, id);
  if (!existing) return 'not-found' as const;
  if (existing.type !== input.type) return 'type-changed' as const;
  await requireOwnTiers(deps, shop, input.tierIds);
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
