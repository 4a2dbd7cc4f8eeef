// A shop's program as the engine uses it: settings, enabled earn rules and
// campaigns, loaded once and cached briefly (every webhook needs it).
import type { PrismaClient, Tx } from '../db.js';
import { DEFAULT_WIDGET_SETTINGS, parseWidgetSettings, type WidgetSettings } from './domain/widget.js';
import { DEFAULT_PROGRAM_SETTINGS, DEFAULT_RULES, DEFAULT_TIERS, parseProgramSettings, type ProgramSettings } from './domain/program.js';
import type { RuleDefinition } from './domain/rules/index.js';
import { DEFAULT_EARN_BASE_OPTIONS, type EarnBaseOptions } from './domain/earn-base.js';
import { purchaseConfig } from './domain/rules/purchase.js';
import type { Campaign } from './domain/rules/campaigns.js';
import { requireRewardConfig } from './domain/rewards/index.js';
import { tierPerksSchema, type TierDefinition } from './domain/tiers/policy.js';

export interface LoadedRule extends RuleDefinition {
  id: string;
  name: string;
}

export interface LoadedProgram {
  shop: string;
  name: string;
  timeZone: string;
  settings: ProgramSettings;
  rules: LoadedRule[];
  campaigns: Campaign[];
  /** What an order's points are proportional to: the first purchase rule's base. */
  earnBase: EarnBaseOptions;
  /** VIP tiers by threshold, lowest first (empty: the program has none); the policy is settings.tierPolicy. */
  tiers: TierDefinition[];
  /** The storefront widget's launcher and texts, set on the admin's Widget page. */
  widget: WidgetSettings;
}

function widgetOrDefault(raw: unknown): WidgetSettings {
  const parsed = parseWidgetSettings(raw);
  return parsed.ok ? parsed.value : { ...DEFAULT_WIDGET_SETTINGS };
}

const RULE_NAMES: Record<string, string> = { purchase: 'Points per purchase', signup: 'Signup bonus' };

/** The default catalogue: three rewards a shopper can reach with a few orders. */
export const DEFAULT_REWARDS = [
  { type: 'fixed-amount', name: '5 off for 500 points', config: { pointsCost: 500, amountMinor: 500 } },
  { type: 'percentage', name: '10% off for 1000 points', config: { pointsCost: 1000, percentage: 10 } },
  { type: 'free-shipping', name: 'Free shipping for 300 points', config: { pointsCost: 300, maxShippingMinor: null } },
];

/** The default program: what onboarding and the development seed create. */
export async function createDefaultProgram(tx: Tx, shop: string, name = 'Tally Rewards'): Promise<void> {
  await tx.program.create({ data: { shop, name, settings: { ...DEFAULT_PROGRAM_SETTINGS } } });
  await tx.earnRule.createMany({
    data: DEFAULT_RULES.map((r) => ({ shop, type: r.type, name: RULE_NAMES[r.type] ?? r.type, config: r.config as object })),
  });
  await tx.reward.createMany({
    data: DEFAULT_REWARDS.map((r) => ({ shop, type: r.type, name: r.name, config: requireRewardConfig(r.type, r.config) as object })),
  });
  await tx.tier.createMany({ data: DEFAULT_TIERS.map((t) => ({ shop, name: t.name, threshold: t.threshold, perks: t.perks })) });
}

/** Stored perks, defaults filled in; a stored value that no longer validates counts as no perk. */
export function tierPerksOf(raw: unknown) {
  const parsed = tierPerksSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : tierPerksSchema.parse({});
}

async function load(db: Tx, shop: string): Promise<LoadedProgram | null> {
  const [program, rules, campaigns, shopRow, tiers] = await Promise.all([
    db.program.findUnique({ where: { shop } }),
    db.earnRule.findMany({ where: { shop, enabled: true }, orderBy: { createdAt: 'asc' } }),
    // A segment campaign's rule tree comes with it (a query only when there are some), so earning reads no rules.
    db.campaign.findMany({ where: { shop, endsAt: { gt: new Date(Date.now() - 90 * 86_400_000) } } }).then(async (found) => {
      const ids = [...new Set(found.flatMap((c) => (c.segmentId ? [c.segmentId] : [])))];
      const segments = ids.length ? await db.segment.findMany({ where: { shop, id: { in: ids } }, select: { id: true, rules: true } }) : [];
      const rules = new Map(segments.map((s) => [s.id, s.rules]));
      return found.map((c) => ({ ...c, segmentRules: c.segmentId ? rules.get(c.segmentId) : undefined }));
    }),
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } }),
    db.tier.findMany({ where: { shop }, orderBy: { threshold: 'asc' } }),
  ]);
  if (!program || !program.enabled) return null;
  const settings = parseProgramSettings(program.settings);
  const purchase = rules.find((r) => r.type === 'purchase');
  const earnBase = purchase ? purchaseConfig.safeParse(purchase.config) : null;
  return {
    shop,
    name: program.name,
    timeZone: shopRow?.ianaTimezone ?? 'UTC',
    settings: settings.ok ? settings.value : { ...DEFAULT_PROGRAM_SETTINGS },
    widget: widgetOrDefault(program.widget),
    rules: rules.map((r) => ({ id: r.id, name: r.name, type: r.type, config: r.config, startsAt: r.startsAt, endsAt: r.endsAt })),
    campaigns: campaigns.map((c) => ({
      name: c.name,
      multiplier: c.multiplier,
      startsAt: c.startsAt,
      endsAt: c.endsAt,
      ruleTypes: c.ruleTypes,
      segmentId: c.segmentId,
      segmentRules: c.segmentRules,
    })),
    earnBase: earnBase?.success ? earnBase.data : { ...DEFAULT_EARN_BASE_OPTIONS },
    tiers: tiers.map((t) => ({ id: t.id, name: t.name, threshold: t.threshold, perks: tierPerksOf(t.perks) })),
  };
}

export interface Programs {
  get(shop: string): Promise<LoadedProgram | null>;
  /** Drops the shop's entry: only the program.changed subscriber calls it (a change emits program.changed, never forget() itself). */
  forget(shop: string): void;
}

/**
 * Caches programs for `ttlMs`. Another process's edit takes effect within
 * that time; this process's own edits apply at once: their program.changed
 * event's subscriber (web/subscribers/program.changed) drops the entry.
 */
export function programCache(prisma: PrismaClient, ttlMs = 5_000): Programs {
  const cache = new Map<string, { at: number; value: Promise<LoadedProgram | null> }>();
  return {
    get(shop) {
      const hit = cache.get(shop);
      if (hit && Date.now() - hit.at < ttlMs) return hit.value;
      const value = load(prisma, shop);
      cache.set(shop, { at: Date.now(), value });
      value.catch(() => cache.delete(shop));
      return value;
    },
    forget(shop) {
      cache.delete(shop);
    },
  };
}
