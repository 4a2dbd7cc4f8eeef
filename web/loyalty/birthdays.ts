// A shopper's birthday (month and day), told from the storefront widget so
// the birthday earn rule can reward them. It can be set once: changing it at
// will would let a shopper collect the reward every month; only the merchant
// can correct it afterwards.
import type { LoyaltyDeps } from './services.js';

/** Stored as a date in the leap year 2000: the year is not asked for and means nothing. */
export const birthdayDate = (b: { month: number; day: number }) =>
  `2000-${String(b.month).padStart(2, '0')}-${String(b.day).padStart(2, '0')}`;

/** Saves the member's birthday if none is saved yet: 'saved', 'not-member' or 'already-set'. */
export async function saveBirthday(
  { pool }: Pick<LoyaltyDeps, 'pool'>,
  shop: string,
  customerId: string,
  birthday: { month: number; day: number },
) {
  // Set only while empty, in one statement, so two tabs cannot both set it.
  const { rows } = await pool.query(
    `UPDATE "Member" SET birthday = $3::date, "updatedAt" = now() WHERE shop = $1 AND "customerId" = $2 AND birthday IS NULL RETURNING id`,
    [shop, customerId, birthdayDate(birthday)],
  );
  if (rows.length > 0) return 'saved' as const;
  const member = await pool.query(`SELECT 1 FROM "Member" WHERE shop = $1 AND "customerId" = $2`, [shop, customerId]);
  return member.rows.length === 0 ? ('not-member' as const) : ('already-set' as const);
}
