// The shopper tells us their birthday (month and day) from the storefront
// widget, so the birthday earn rule can reward them. It can be set once:
// changing it at will would let a shopper collect the reward every month.
// Only the merchant (admin) can correct it afterwards.
import { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { saveBirthday } from '../../loyalty/birthdays.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { StorefrontLimits } from './rate-limit.js';

/** Days per month in a leap year, so 29 February is a valid birthday. */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const BirthdayInput = z
  .object({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) })
  .strict()
  .refine((b) => b.day <= DAYS_IN_MONTH[b.month - 1]!, { message: 'that month has fewer days', path: ['day'] });

export function birthdayRoutes(deps: Pick<LoyaltyDeps, 'pool'> & { limits?: StorefrontLimits }): Router {
  const router = Router();
  const limits = deps.limits ?? new StorefrontLimits();
  router.post('/birthday', async (req, res) => {
    limits.checkAddress(req, res, 'birthday');
    if (!req.customerId) throw new HttpError(401, 'NOT_ELIGIBLE', 'Log in to save your birthday');
    limits.check(res, 'birthday', 'perCustomer', `${req.shop} ${req.customerId}`);
    const input = BirthdayInput.parse(req.body);
    const saved = await saveBirthday(deps, req.shop!, req.customerId, input);
    if (saved === 'not-member') throw new HttpError(404, 'NOT_FOUND', 'You are not a member yet');
    if (saved === 'already-set') throw new HttpError(409, 'BIRTHDAY_SET', 'Your birthday is already saved');
    res.json({ birthday: input });
  });
  return router;
}
