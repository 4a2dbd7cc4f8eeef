// The points ledger: the only writer of points. Every change is an
// append-only entry with an idempotency key unique per shop, and the member's
// cached balances move in the same transaction, so cached = sum of entries.
// (The full set of verbs — hold, release, redeem, expire, claw back — arrives
// with the points engine; this is the part the foundation and the seed use.)
import type { Tx } from '../db.js';
import type { PointKind, PointSource, PointStatus } from '../generated/prisma/enums.js';

export interface EntryInput {
  shop: string;
  memberId: string;
  kind: PointKind;
  points: number;
  status?: PointStatus;
  source: PointSource;
  sourceId?: string;
  reason?: string;
  idempotencyKey: string;
  availableAt?: Date;
  expiresAt?: Date;
  createdAt?: Date;
}

/** Appends an entry unless its idempotency key was already used; returns whether it was new. */
export async function append(tx: Tx, input: EntryInput): Promise<boolean> {
  if (!Number.isInteger(input.points)) throw new Error(`Points must be an integer, got ${input.points}`);
  const status = input.status ?? 'AVAILABLE';
  const inserted = await tx.pointEntry.createMany({
    data: [{ ...input, status }],
    skipDuplicates: true,
  });
  if (inserted.count === 0) return false;
  const earned = input.kind === 'EARN' ? input.points : input.kind === 'ADJUST' && input.points > 0 ? input.points : 0;
  const redeemed = input.kind === 'REDEEM' ? -input.points : 0;
  await tx.member.update({
    where: { id: input.memberId },
    data: {
      pointsAvailable: { increment: status === 'AVAILABLE' ? input.points : 0 },
      pointsPending: { increment: status === 'PENDING' ? input.points : 0 },
      lifetimeEarned: { increment: earned },
      lifetimeRedeemed: { increment: redeemed },
    },
  });
  return true;
}

export const earn = (tx: Tx, input: Omit<EntryInput, 'kind'>) => append(tx, { ...input, kind: 'EARN' });
export const adjust = (tx: Tx, input: Omit<EntryInput, 'kind' | 'source'>) =>
  append(tx, { ...input, kind: 'ADJUST', source: 'ADMIN' });
