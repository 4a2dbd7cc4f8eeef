// A member's tier as the admin sees it — held tier, progress, what is next,
// the history of moves — and a merchant's manual assignment.
import { z } from 'zod';
import { pgSql, transaction } from '../db/sql.js';
import { requireProgram, type LoyaltyDeps } from './services.js';
import { assignTier, memberTier } from './tiers.js';

type Deps = Pick<LoyaltyDeps, 'pool' | 'programs'>;

/** The member's tier, next tier, progress, manual lock and last 50 moves; null when not the shop's member. Throws NoProgram. */
export async function memberTierDetails(deps: Deps, shop: string, memberId: string) {
  const program = await requireProgram(deps, shop);
  const { rows } = await deps.pool.query(
    `SELECT id, "tierId", "tierReachedAt", "tierKeptUntil", "manualTierId", "manualTierLockedUntil" FROM "Member" WHERE id = $1 AND shop = $2`,
    [memberId, shop],
  );
  const member = rows[0];
  if (!member) return null;
  const view = await memberTier(pgSql(deps.pool), program, member);
  const history = await deps.pool.query(
    `SELECT "fromTierId", "toTierId", "fromName", "toName", reason, actor, note, "createdAt" FROM "TierChange"
     WHERE shop = $1 AND "memberId" = $2 ORDER BY "createdAt" DESC LIMIT 50`,
    [shop, memberId],
  );
  return {
    // Nobody drops below the base tier: "kept until" means nothing there.
    tier: view && {
      id: view.held.id,
      name: view.held.name,
      reason: view.reason,
      keptUntil: view.held.id === program.tiers[0]?.id ? null : view.keptUntil,
      reachedAt: member.tierReachedAt,
    },
    nextTier: view?.nextTier
      ? { id: view.nextTier.id, name: view.nextTier.name, remaining: view.remaining, basis: program.settings.tierPolicy.basis }
      : null,
    progress: view ? { value: view.progress, basis: program.settings.tierPolicy.basis, period: program.settings.tierPolicy.period } : null,
    manual: member.manualTierId ? { tierId: member.manualTierId, lockedUntil: member.manualTierLockedUntil } : null,
    history: history.rows,
  };
}

/**
 * A merchant puts a member in a tier, locked until a date or for good; tierId
 * null hands them back to their progress. The input is checked against the
 * program's tiers (a ZodError names the wrong fields). Null when not the
 * shop's member; throws NoProgram.
 */
export async function assignMemberTier(deps: Deps, shop: string, memberId: string, body: unknown, actor: string | null) {
  const program = await requireProgram(deps, shop);
  const input = z
    .object({
      tierId: z
        .string()
        .min(1)
        .nullable()
        .refine((id) => id === null || program.tiers.some((t) => t.id === id), 'No tier with this id'),
      lockedUntil: z.coerce
        .date()
        .nullable()
        .default(null)
        .refine((d) => d === null || d.getTime() > Date.now(), 'must be in the future'),
      reason: z.string().trim().min(3, 'say why, in a few words').max(500),
    })
    .parse(body);
  const moved = await transaction(deps.pool, (tx) =>
    assignTier(tx, program, memberId, { tierId: input.tierId, lockedUntil: input.lockedUntil, actor, note: input.reason }),
  );
  if (!moved) return null;
  return {
    id: memberId,
    tier: { id: moved.q.tier.id, name: moved.q.tier.name, reason: moved.q.reason, keptUntil: moved.q.keptUntil },
    move: moved.move,
  };
}
