// A redemption's merge variables for the reward_issued email.
import type { Sql } from '../db/sql.js';

export async function rewardEmailData(sql: Sql, shop: string, redemptionId: string) {
  const [row] = await sql.$queryRaw<Array<{ name: string; code: string | null; expiresAt: Date | null }>>`
    SELECT w.name, r.code, r."expiresAt" FROM "Redemption" r JOIN "Reward" w ON w.id = r."rewardId"
    WHERE r.id = ${redemptionId} AND r.shop = ${shop}`;
  if (!row) return null;
  return {
    name: row.name,
    code: row.code,
    apply_url: row.code ? `https://${shop}/discount/${encodeURIComponent(row.code)}` : '',
    expires_on: row.expiresAt ? row.expiresAt.toISOString().slice(0, 10) : '',
  };
}
