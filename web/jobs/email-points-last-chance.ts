// The last chance of points_expiring: 3 days before points expire, for each expiry the expire-points job gave notice
// of (points.expiring_soon), once per member and date (cause "expiring:<date>:last"). The points are those of the
// notice, capped at the member's balance now (a redemption since may have used them); none left, no email. Reads the
// notices in keyset batches, so memory stays bounded however many there are.
import { pgSql } from '../db/sql.js';
import { recordEmail } from '../email/sends.js';
import { BATCH_SIZE } from './batch.js';
import type { JobDeps } from './deps.js';

export const LAST_CHANCE_DAYS = 3;

export async function emailPointsLastChance(deps: Pick<JobDeps, 'pool' | 'mail'>, now = new Date()): Promise<{ recorded: number }> {
  if (!deps.mail || !deps.pool) return { recorded: 0 };
  const sql = pgSql(deps.pool);
  const until = new Date(now.getTime() + LAST_CHANCE_DAYS * 86_400_000);
  let after = '';
  let recorded = 0;
  for (;;) {
    const due = await sql.$queryRaw<
      Array<{ id: string; shop: string; memberId: string; points: number; expiresOn: string; available: number }>
    >`
      SELECT e.id, e.shop, e."memberId", (e.data->>'points')::bigint AS points, e.data->>'expiresOn' AS "expiresOn",
             m."pointsAvailable" AS available
      FROM "Event" e JOIN "Member" m ON m.id = e."memberId"
      WHERE e.type = 'points.expiring_soon' AND e.id > ${after}
        AND (e.data->>'expiresAt')::timestamptz > ${now} AND (e.data->>'expiresAt')::timestamptz <= ${until}
      ORDER BY e.id LIMIT ${BATCH_SIZE}`;
    for (const n of due) {
      const points = Math.min(Number(n.points), Number(n.available));
      if (points <= 0) continue;
      const result = await recordEmail(sql, {
        shop: n.shop,
        memberId: n.memberId,
        key: 'points_expiring',
        cause: `expiring:${n.expiresOn}:last`,
        data: { expiring: { points, on: n.expiresOn, last_chance: true } },
        now,
      });
      if (typeof result !== 'string') recorded += 1;
    }
    if (due.length < BATCH_SIZE) return { recorded };
    after = due[due.length - 1]!.id;
  }
}

export async function emailPointsLastChanceJob(_data: object, deps: JobDeps): Promise<void> {
  const result = await emailPointsLastChance(deps);
  if (result.recorded > 0) deps.logger.info(result, 'points_expiring last-chance emails recorded');
}
