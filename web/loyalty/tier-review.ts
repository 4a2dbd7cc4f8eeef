// The in-transaction tier review the points.* subscribers share
// (web/subscribers/<event>/review-tier.ts): each says under which progress
// basis its event can raise a member's progress, and the member is reviewed
// (moved up, never down) in the cause's transaction, at the event's time.
import type { Sql } from '../db/sql.js';
import type { StoredEvent } from '../events/catalog.js';
import type { TierPolicy } from './domain/tiers/policy.js';
import { reviewTier } from './tiers.js';
import { freshProgress, workingProgram } from './working-program.js';

export async function reviewTierAfter(sql: Sql, event: StoredEvent, raises: (basis: TierPolicy['basis']) => boolean): Promise<void> {
  if (!event.memberId) return;
  const program = workingProgram(sql, event.shop);
  const basis = program?.settings.tierPolicy.basis;
  if (!program || program.tiers.length === 0 || !basis || !raises(basis)) return;
  if (event.type === 'points.earned' && basis === 'points-earned') {
    // A member created in this transaction starts in the lowest tier: no query until their earnings could reach the next.
    const progress = freshProgress(sql, event.memberId, event.data.points);
    const next = program.tiers[1];
    if (progress !== undefined && (next === undefined || progress < next.threshold)) return;
  }
  await reviewTier(sql, program, event.memberId, event.at);
}
