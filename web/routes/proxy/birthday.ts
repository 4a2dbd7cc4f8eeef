// The shopper tells us their birthday (month and day) from the storefront
// widget, so the birthday earn rule can reward them. It can be set once:
// changing it at will would let a shopper collect the reward every month.
// Only the merchant (admin) can correct it afterwards.
import { Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { StorefrontLimits } from './rate-limit.js';

/** Days per month in a leap year, so 29 February is a valid birthday. */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const BirthdayInput = z
  .object({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) })
  .strict()
  .refine((b) => b.day <= DAYS_IN_MONTH[b.month - 1]!, { message: 'that month has fewer days', path: ['day'] });

/** Stored as a date in the leap year 2000: the year is not asked for and means nothing. */
export const birthdayDate = (b: { month: number; day: number }) => `2000-${String(b.month).padStart(2, '0')}-${String(b.day).padStart(2, '0')}`;

export function birthdayRoutes(deps: { pool: pg.Pool; limits?: StorefrontLimits }): Router {
  const router = Router();
  const limits = deps.limits ?? new StorefrontLimits();
  router.post('/birthday', async (req, res) => {
    limits.checkAddress(req, res, 'birthday');
    if (!req.customerId) throw new HttpError(401, 'NOT_ELIGIBLE', 'Log in to save your birthday');
    limits.check(res, 'birthday', 'perCustomer', `${req.shop} ${req.customerId}`);
    const input = BirthdayInput.parse(req.body);
    // Set only while empty, in one statement, so two tabs cannot both set it.
    const { rows } = await deps.pool.query(
      `UPDATE "Member" SET birthday = $3::date, "updatedAt" = now() WHERE shop = $1 AND "customerId" = $2 AND birthday IS NULL RETURNING id`,
      [req.shop, req.customerId, birthdayDate(input)],
    );
    if (rows.length === 0) {
      const member = await deps.pool.query(`SELECT 1 FROM "Member" WHERE shop = $1 AND "customerId" = $2`, [req.shop, req.customerId]);
      throw member.rows.length === 0 ? new HttpError(404, 'NOT_FOUND', 'You are not a member yet') : new HttpError(409, 'BIRTHDAY_SET', 'Your birthday is already saved');
    }
    res.json({ birthday: input });
  });
  return router;
}
