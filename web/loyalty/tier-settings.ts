// VIP tiers as the merchant sees and edits them: the ladder with how many
// members hold each tier, and an edit checked, previewed, then applied to
// every member in one transaction with its program.changed event.
import { pgSql, transaction } from '../db/sql.js';
import type { TierDefinition } from './domain/tiers/policy.js';
import { emitProgramChanged, settleProgramChange } from './program-changes.js';
import { requireProgram, type LoyaltyDeps } from './services.js';
import { applyTierEdit, parseTierEdit, previewTierEdit, type ApplyProgress, type TierEdit } from './tier-edits.js';
import type { TierSetup } from './tiers.js';

type Deps = Pick<LoyaltyDeps, 'pool' | 'programs'>;

/** The tier JSON the admin UI and the widget share. */
export const tierJson = (t: TierDefinition) => ({ id: t.id, name: t.name, threshold: t.threshold, perks: t.perks });

/** The tiers (with the rewards only they may redeem), the policy and members per tier; throws NoProgram. */
export async function tierOverview(deps: Deps, shop: string) {
  const program = await requireProgram(deps, shop);
  const [counts, rewards] = await Promise.all([
    deps.pool.query<{ tierId: string | null; members: number }>(
      `SELECT "tierId", count(*)::int AS members FROM "Member" WHERE shop = $1 AND "redactedAt" IS NULL GROUP BY "tierId"`,
      [shop],
    ),
    deps.pool.query<{ id: string; tierIds: string[] }>(
      `SELECT id, "tierIds" FROM "Reward" WHERE shop = $1 AND cardinality("tierIds") > 0`,
      [shop],
    ),
  ]);
  const members: Record<string, number> = Object.fromEntries(program.tiers.map((t) => [t.id, 0]));
  // Members without a tier yet hold the lowest one (they get it on their next review).
  for (const row of counts.rows) {
    const id = row.tierId && row.tierId in members ? row.tierId : program.tiers[0]?.id;
    if (id) members[id] = (members[id] ?? 0) + row.members;
  }
  return {
    tiers: program.tiers.map((t) => ({
      ...tierJson(t),
      perks: { ...t.perks, rewardIds: rewards.rows.filter((r) => r.tierIds.includes(t.id)).map((r) => r.id) },
    })),
    policy: program.settings.tierPolicy,
    members,
  };
}

/** Checks a whole new ladder and policy against the shop's program and rewards; throws NoProgram. */
export async function checkTierEdit(deps: Deps, shop: string, body: unknown): Promise<TierEdit> {
  const program = await requireProgram(deps, shop);
  const { rows } = await deps.pool.query<{ id: string }>(`SELECT id FROM "Reward" WHERE shop = $1 AND NOT system`, [shop]);
  return parseTierEdit(body, program, new Set(rows.map((r) => r.id)));
}

/** What a checked edit would do to members now (who moves up or down), without writing. */
export async function previewTiers(deps: Deps, setup: TierSetup, sample: number) {
  const program = await requireProgram(deps, setup.shop);
  return previewTierEdit(pgSql(deps.pool), program, setup, new Date(), sample);
}

/** Applies a checked edit to every member, with program.changed, in one transaction; the cache is dropped before it returns. */
export async function applyTiers(
  deps: Pick<LoyaltyDeps, 'pool'>,
  setup: TierSetup,
  actor: string | null,
  onProgress?: (progress: ApplyProgress) => void,
) {
  const applied = await transaction(deps.pool, async (tx) => {
    const done = await applyTierEdit(tx, setup, actor, new Date(), onProgress);
    await emitProgramChanged(tx, setup.shop, 'tiers', actor);
    return done;
  });
  await settleProgramChange();
  return applied;
}
