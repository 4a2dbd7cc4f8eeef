// Admins decide about blocked referrals: approve (the referral goes on as if
// no rule had stopped it — rewarded at once if the friend's order is already
// past its pending period) or reject (it ends; nothing is given).
import { transaction } from '../../db/sql.js';
import { emit } from '../../events/emit.js';
import type { LoyaltyDeps } from '../services.js';
import { rewardReferral, type ReferralRow } from './settlement.js';

export class ReviewRefused extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'NOT_BLOCKED',
    message: string,
  ) {
    super(message);
  }
}

export async function reviewReferral(
  { pool, programs }: Pick<LoyaltyDeps, 'pool' | 'programs'>,
  input: { shop: string; referralId: string; decision: 'approve' | 'reject'; actor: string | null },
  now = new Date(),
): Promise<ReferralRow> {
  // Loaded before the transaction (on the embedded database a query outside it would wait).
  const program = await programs.get(input.shop);
  return transaction(pool, async (sql) => {
    const [referral] = await sql.$queryRaw<
      ReferralRow[]
    >`SELECT * FROM "Referral" WHERE shop = ${input.shop} AND id = ${input.referralId} FOR UPDATE`;
    if (!referral) throw new ReviewRefused('NOT_FOUND', 'No such referral');
    if (referral.status !== 'BLOCKED')
      throw new ReviewRefused('NOT_BLOCKED', `Only blocked referrals can be reviewed; this one is ${referral.status.toLowerCase()}`);
    const status = input.decision === 'approve' ? 'PENDING' : 'REJECTED';
    await sql.$executeRaw`
      UPDATE "Referral" SET status = ${status}::"ReferralStatus", "reviewedBy" = ${input.actor}, "reviewedAt" = ${now}, "updatedAt" = now()
      WHERE id = ${referral.id}`;
    if (status === 'PENDING' && referral.orderId) {
      const data = { referralId: referral.id, orderId: referral.orderId, approvedBy: input.actor };
      await emit(sql, {
        type: 'referral.friend_joined',
        shop: input.shop,
        memberId: referral.referrerId,
        cause: `referral:${referral.id}`,
        at: now,
        data,
      });
      // Lock the order as its release does, then reward now if it is already released.
      const [order] = await sql.$queryRaw<Array<{ released: boolean }>>`
        SELECT "pointsReleasedAt" IS NOT NULL AS released FROM "Order" WHERE shop = ${input.shop} AND "orderId" = ${referral.orderId} FOR UPDATE`;
      if (order?.released) await rewardReferral(sql, input.shop, referral.orderId, now, program);
    }
    const [after] = await sql.$queryRaw<ReferralRow[]>`SELECT * FROM "Referral" WHERE id = ${referral.id}`;
    return after!;
  });
}
