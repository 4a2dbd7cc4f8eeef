// Members' referral codes and devices.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../../db/sql.js';
import { referralCode } from '../domain/referrals/code.js';

/** The member's referral code, created on first use (a clash with another member's code draws again). */
export async function referralCodeOf(sql: Sql, shop: string, member: { id: string; firstName: string | null }): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await sql.$queryRaw<
      Array<{ code: string }>
    >`SELECT code FROM "ReferralCode" WHERE shop = ${shop} AND "memberId" = ${member.id}`;
    if (existing[0]) return existing[0].code;
    await sql.$executeRaw`
      INSERT INTO "ReferralCode" (id, shop, "memberId", code) VALUES (${randomUUID()}, ${shop}, ${member.id}, ${referralCode(member.firstName)})
      ON CONFLICT DO NOTHING`;
  }
  throw new Error(`Could not find a free referral code for member ${member.id}`);
}

/** Remembers a device (first-party cookie) a signed-in member used: their friends cannot be on it. */
export async function rememberDevice(sql: Sql, shop: string, memberId: string, deviceId: string): Promise<void> {
  await sql.$executeRaw`
    INSERT INTO "MemberDevice" (id, shop, "memberId", "deviceId") VALUES (${randomUUID()}, ${shop}, ${memberId}, ${deviceId})
    ON CONFLICT (shop, "memberId", "deviceId") DO UPDATE SET "lastSeenAt" = now()`;
}

/** Friends who joined: referrals whose friend placed a first order that counts (or counted). */
export async function friendsJoined(sql: Sql, shop: string, memberId: string): Promise<number> {
  const [row] = await sql.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM "Referral" WHERE shop = ${shop} AND "referrerId" = ${memberId} AND status IN ('PENDING', 'REWARDED')`;
  return row?.n ?? 0;
}
