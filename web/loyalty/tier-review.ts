// The in-transaction tier review the points.* subscribers share
// (web/subscribers/<event>/review-tier.ts): each says under which progress
// basis its event can raise a member's progress, and the member is reviewed
// (moved up, never down) in the cause's transaction, at the event's time.
import type { Sql } from '../db/sql.js';
import type { StoredEvent } from '../events/catalog.js';
import type { TierPolicy } from './domain/tiers/policy.js';
import { reviewTier } from './tiers.js';
import { workingProgram } from './working-program.js';

export async function reviewTierAfter(sql: Sql, event: StoredEvent, raises: (basis: TierPolicy['basis']) => boolean): Promise<void> {
  if (!event.memberId) return;
  const program = workingProgram(sql, event.shop);
  if (!program || program.tiers.length === 0 || !raises(program.settings.tierPolicy.basis)) return;
  await reviewTier(sql, program, event.memberId, event.at);
}
