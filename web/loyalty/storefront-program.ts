// What the storefront needs to know about a shop's program without asking
// Tally: the purchase rule's rate, rounding and excluded products, for the
// "earn N points with this purchase" block, which computes points in Liquid.
// Tally keeps it in an app-owned shop metafield ($app:tally.program, JSON);
// the dev storefront hands the theme the same value.
import type { LoadedProgram } from './program.js';
import type { PurchaseConfig } from './domain/rules/purchase.js';
import type { TierDefinition } from './domain/tiers/policy.js';

export interface StorefrontProgram {
  /** Points per whole unit of shop currency. */
  rate: number;
  rounding: 'down' | 'nearest' | 'up';
  /** Numeric product ids, as Liquid's product.id has them. */
  excluded_product_ids: number[];
}

export const PROGRAM_METAFIELD = { namespace: '$app:tally', key: 'program', type: 'json' } as const;
/** The launcher's look and texts from the admin's Widget page: the app embed reads them (theme editor settings are the fallback). */
export const WIDGET_METAFIELD = { namespace: '$app:tally', key: 'widget', type: 'json' } as const;

/** What the merchant calls points (Settings), for every count the storefront shows; null: the theme's translated "points". */
export const POINTS_NAME_METAFIELD = { namespace: '$app:tally', key: 'points_name', type: 'json' } as const;

/** The shop metafields Tally keeps for the storefront, with the value each should hold. */
export function storefrontMetafields(program: LoadedProgram | null) {
  return [
    { ...PROGRAM_METAFIELD, value: storefrontProgram(program) },
    { ...WIDGET_METAFIELD, value: program?.widget ?? null },
    { ...POINTS_NAME_METAFIELD, value: customPointsName(program) },
  ];
}

/**
 * The merchant's own name for points ("stars"), or null when they kept the
 * default: shoppers then read "points" in their own language rather than the
 * English default. Settings has one field, so the name is used as typed for
 * every count ("1 stars").
 */
export function customPointsName(program: { settings: { currencyName: string } } | null): string | null {
  const name = program?.settings.currencyName.trim() ?? '';
  return name === '' || name.toLowerCase() === 'points' ? null : name;
}

/** Null when the program earns nothing on purchases: the block then shows nothing. */
export function storefrontProgram(program: LoadedProgram | null): StorefrontProgram | null {
  const purchase = program?.rules.find((r) => r.type === 'purchase');
  if (!purchase) return null;
  const config = purchase.config as Partial<PurchaseConfig>;
  return {
    rate: Number(config.rate ?? 1),
    rounding: config.rounding ?? 'down',
    excluded_product_ids: (config.excludedProductIds ?? []).map((id) => Number(id.split('/').pop())),
  };
}

/** A tier's perks as the widget shows them: the entry reward by name; the Shopify tag stays internal. */
export interface StorefrontPerks {
  multiplier: string;
  freeShipping: boolean;
  birthdayBonus: number;
  entryReward: string | null;
}

/** One rung of the ladder of tiers the widget shows, guests included. */
export interface StorefrontTier {
  id: string;
  name: string;
  /** Points earned, minor units spent or orders, per the program's tier basis. */
  threshold: number;
  perks: StorefrontPerks;
}

export function storefrontPerks(perks: TierDefinition['perks'], rewardNames: ReadonlyMap<string, string>): StorefrontPerks {
  return {
    multiplier: perks.multiplier,
    freeShipping: perks.freeShipping,
    birthdayBonus: perks.birthdayBonus,
    entryReward: perks.entryRewardId ? (rewardNames.get(perks.entryRewardId) ?? null) : null,
  };
}

/** The program's tiers, lowest first, with what each takes and gives (empty without tiers). */
export function storefrontTiers(program: LoadedProgram, rewardNames: ReadonlyMap<string, string>): StorefrontTier[] {
  return program.tiers.map((t) => ({ id: t.id, name: t.name, threshold: t.threshold, perks: storefrontPerks(t.perks, rewardNames) }));
}

/** The reward ids tiers give on entry: their names are looked up once per request. */
export const entryRewardIds = (program: LoadedProgram) =>
  program.tiers.flatMap((t) => (t.perks.entryRewardId ? [t.perks.entryRewardId] : []));
