// An admin's manual change of a member's points: the admin UI's form and the
// admin API check it with this one schema.
import { z } from 'zod';

export const adjustmentSchema = z.object({
  points: z
    .number({ message: 'a whole number of points' })
    .int('a whole number of points')
    .refine((p) => p !== 0, 'cannot be zero')
    .refine((p) => Math.abs(p) <= 1_000_000, 'at most 1,000,000 at a time'),
  reason: z.string().trim().min(3, 'say why, in a few words').max(500),
});
export type Adjustment = z.infer<typeof adjustmentSchema>;
