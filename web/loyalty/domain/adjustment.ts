// An admin's manual change of a member's points: the admin UI's form and the
// admin API check it with this one schema.
import { z } from 'zod';
import { messages } from './messages.js';

export const adjustmentSchema = z.object({
  points: z
    .number({ message: messages.wholePoints })
    .int(messages.wholePoints)
    .refine((p) => p !== 0, 'cannot be zero')
    .refine((p) => Math.abs(p) <= 1_000_000, 'at most 1,000,000 at a time'),
  reason: z.string().trim().min(3, messages.adjustmentReason).max(500),
});
export type Adjustment = z.infer<typeof adjustmentSchema>;
