// Time-boxed multipliers ("double points weekend"). When campaigns overlap the
// highest multiplier wins and is applied once: multipliers do not stack, so a
// merchant who schedules 2× and 3× for the same weekend pays 3×, never 6×.
// Equal multipliers: the first listed wins (it only matters for reporting).
// A campaign for a segment (segmentId) boosts only that segment's members: it
// applies here only once the caller resolved it for the member
// (web/loyalty/segment-campaigns.ts keeps it, with segmentId cleared, for a
// member inside, and drops it otherwise); an unresolved one never applies.
import { z } from 'zod';
import { applyMultiplier, multiplierSchema, parseRate, type Rounding } from '../points.js';
import { parseWith, type Parsed } from '../validation.js';
import { ruleType } from './index.js';
import { messages } from '../messages.js';

export interface Campaign {
  name: string;
  /** Decimal string ≥ 1: "2" doubles. */
  multiplier: string;
  startsAt: Date;
  /** Exclusive. */
  endsAt: Date;
  /** Rule types it boosts; absent or empty = every type. */
  ruleTypes?: string[] | null;
  /** Only members of this segment (a rule segment's id or an RFM handle); absent or null = every member. */
  segmentId?: string | null;
  /** That segment's rule tree when it is a rule segment, loaded with the program (the order path then reads no rules). */
  segmentRules?: unknown;
}

export const campaignSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    multiplier: multiplierSchema,
    startsAt: z.coerce.date(),
    endsAt: z.coerce.date(),
    ruleTypes: z.array(z.string().refine((t) => ruleType(t) !== undefined, 'unknown rule type')).nullish(),
    // "rfm:champions" (the segments API's id) is kept as its handle; the shop's own segments are checked by the caller.
    segmentId: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .transform((id) => (id.startsWith('rfm:') ? id.slice(4) : id))
      .nullish(),
  })
  .refine((c) => c.startsAt < c.endsAt, { path: ['endsAt'], message: messages.afterStart });

export function parseCampaign(raw: unknown): Parsed<Campaign> {
  return parseWith(campaignSchema, raw);
}

/** Whether the campaign is in force at `at` (whoever it is for). */
export function inForce(campaign: Campaign, at: Date): boolean {
  const t = at.getTime();
  return t >= campaign.startsAt.getTime() && t < campaign.endsAt.getTime();
}

function applies(campaign: Campaign, at: Date, type: string): boolean {
  if (campaign.segmentId) return false;
  const t = at.getTime();
  if (t < campaign.startsAt.getTime() || t >= campaign.endsAt.getTime()) return false;
  return !campaign.ruleTypes?.length || campaign.ruleTypes.includes(type);
}

/** The campaign that boosts a `type` award at `at`: the highest multiplier in force, or null. */
export function activeCampaign(campaigns: readonly Campaign[], at: Date, type: string): Campaign | null {
  let best: Campaign | null = null;
  let bestRate: { numerator: bigint; denominator: bigint } | null = null;
  for (const campaign of campaigns) {
    if (!applies(campaign, at, type)) continue;
    const rate = parseRate(campaign.multiplier);
    if (!bestRate || rate.numerator * bestRate.denominator > bestRate.numerator * rate.denominator) {
      best = campaign;
      bestRate = rate;
    }
  }
  return best;
}

/** `points` boosted by the winning campaign at `at` for rule type `type`, rounded. */
export function applyCampaigns(points: number, campaigns: readonly Campaign[], at: Date, type: string, rounding: Rounding): number {
  const campaign = activeCampaign(campaigns, at, type);
  return campaign ? applyMultiplier(points, campaign.multiplier, rounding) : points;
}
