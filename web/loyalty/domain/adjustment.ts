// An admin's manual change of a member's points: the admin UI's form and the
// admin API check it with this one schema.
import { z } from 'zod';
import { messages } from './messages.js';

export const adjustmentSchema = z.object({
  points: z
    .number({ message: messages.wholePoints })
    .int(messages.wholePoints)
    // Balances are BIGINT, read as JavaScript numbers: exact up to 2^53 − 1 (a VND shop counts millions of points).
    .min(-Number.MAX_SAFE_INTEGER, messages.wholePoints)
    .max(Number.MAX_SAFE_INTEGER, messages.wholePoints)
    .refine((p) => p !== 0, 'cannot be zero'),
  reason: z.string().trim().min(3, messages.adjustmentReason).max(500),
});
export type Adjustment = z.infer<typeof adjustmentSchema>;
