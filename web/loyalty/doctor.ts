// Proves the ledger invariant: every member's cached balances equal what
// their entries add up to (same rules as ledger.ts's lifetimeEffect).
import type { Sql as Tx } from '../db/sql.js';

export interface Offender {
  memberId: string;
  shop: string;
  cached: Balances;
  ledger: Balances;
}
interface Balances {
  available: number;
  pending: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
}

export async function checkLedger(db: Tx, shop?: string): Promise<{ members: number; offenders: Offender[] }> {
  const rows = await db.$queryRaw<Array<Record<string, number | string>>>`
    WITH sums AS (
      SELECT "memberId",
        COALESCE(sum(points) FILTER (WHERE status = 'AVAILABLE'), 0)::bigint AS available,
        COALESCE(sum(points) FILTER (WHERE status = 'PENDING'), 0)::bigint AS pending,
        COALESCE(sum(points) FILTER (WHERE status = 'AVAILABLE' AND (
          (kind IN ('EARN', 'REVERSAL') AND source <> 'REWARD') OR (kind = 'ADJUST' AND points > 0))), 0)::bigint AS earned,
        COALESCE(-sum(points) FILTER (WHERE status = 'AVAILABLE' AND (
          kind = 'REDEEM' OR (kind = 'REVERSAL' AND source = 'REWARD'))), 0)::bigint AS redeemed
      FROM "PointEntry" WHERE (${shop ?? null}::text IS NULL OR shop = ${shop ?? null}) GROUP BY "memberId"
    )
    SELECT m.id, m.shop,
      m."pointsAvailable" AS c_available, m."pointsPending" AS c_pending,
      m."lifetimeEarned" AS c_earned, m."lifetimeRedeemed" AS c_redeemed,
      COALESCE(s.available, 0) AS l_available, COALESCE(s.pending, 0) AS l_pending,
      COALESCE(s.earned, 0) AS l_earned, COALESCE(s.redeemed, 0) AS l_redeemed
    FROM "Member" m LEFT JOIN sums s ON s."memberId" = m.id
    WHERE (${shop ?? null}::text IS NULL OR m.shop = ${shop ?? null})`;
  const offenders: Offender[] = [];
  for (const r of rows) {
    const cached = { available: +r.c_available!, pending: +r.c_pending!, lifetimeEarned: +r.c_earned!, lifetimeRedeemed: +r.c_redeemed! };
    const ledger = { available: +r.l_available!, pending: +r.l_pending!, lifetimeEarned: +r.l_earned!, lifetimeRedeemed: +r.l_redeemed! };
    if (JSON.stringify(cached) !== JSON.stringify(ledger)) offenders.push({ memberId: String(r.id), shop: String(r.shop), cached, ledger });
  }
  return { members: rows.length, offenders };
}
