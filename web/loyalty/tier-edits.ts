// Editing a shop's tiers safely: the merchant sends the whole new list and
// policy; we validate it, show what it would do (who moves up or down), and
// apply it in one transaction — tiers, policy and every member's tier. Tiers
// keep their ids across edits, so members follow a renamed or re-thresholded
// tier; progress is recomputed from the ledger, so nobody's is lost.
import type { Sql } from '../db/sql.js';
import { parseTierPolicy, parseTiers, type TierDefinition, type TierPolicy } from './domain/tiers/policy.js';
import type { FieldErrors } from './domain/validation.js';
import type { LoadedProgram } from './program.js';
import { applyTierPlan, newTierId, planTiers, previewOf, type TierPreview, type TierSetup } from './tiers.js';

export type TierEdit = { ok: true; setup: TierSetup } | { ok: false; errors: FieldErrors };

const prefixed = (prefix: string, errors: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [k ? `${prefix}.${k}` : prefix, v]));

/**
 * Validates `{ tiers, policy }` from the admin. A tier without an id, or with
 * one this shop does not have, is new and gets a fresh id. An entry reward
 * must be one of the shop's rewards. Errors are keyed "tiers.1.threshold",
 * "policy.downgrade.months".
 */
export function parseTierEdit(
  raw: unknown,
  program: Pick<LoadedProgram, 'shop' | 'timeZone' | 'tiers'>,
  rewardIds: ReadonlySet<string>,
): TierEdit {
  const body = (raw ?? {}) as { tiers?: unknown; policy?: unknown };
  const known = new Set(program.tiers.map((t) => t.id));
  const withIds = Array.isArray(body.tiers)
    ? body.tiers.map((t) =>
        t && typeof t === 'object' ? { ...t, id: known.has((t as { id?: string }).id ?? '') ? (t as { id: string }).id : newTierId() } : t,
      )
    : body.tiers;
  const tiers = parseTiers(withIds);
  const policy = parseTierPolicy(body.policy);
  const errors: FieldErrors = {
    ...(tiers.ok ? {} : prefixed('tiers', tiers.errors)),
    ...(policy.ok ? {} : prefixed('policy', policy.errors)),
  };
  if (tiers.ok) {
    // parseTiers sorts; report against the merchant's own order.
    const order = Array.isArray(withIds) ? withIds.map((t) => (t as { id?: string })?.id) : [];
    for (const tier of tiers.value) {
      const reward = tier.perks.entryRewardId;
      if (reward && !rewardIds.has(reward)) errors[`tiers.${order.indexOf(tier.id)}.perks.entryRewardId`] = 'No reward with this id';
    }
  }
  if (!tiers.ok || !policy.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, setup: { shop: program.shop, timeZone: program.timeZone, tiers: tiers.value, policy: policy.value } };
}

/** What the edit would do to members now, without writing. */
export async function previewTierEdit(
  sql: Sql,
  program: LoadedProgram,
  setup: TierSetup,
  now = new Date(),
  sampleSize = 20,
): Promise<TierPreview> {
  const planned = await planTiers(sql, setup, now, 'all');
  return previewOf(sql, setup, program.tiers, planned, sampleSize);
}

/**
 * Saves the tiers and policy and recomputes every member, in the caller's
 * transaction (so a failure leaves the old tiers and members as they were).
 * Only members who move get a TierChange (reason 'edit').
 */
/** How far an edit is: computing everyone's progress, then writing the members who move (done of total). */
export interface ApplyProgress {
  stage: 'computing' | 'writing';
  done: number;
  total: number;
}

export async function applyTierEdit(
  sql: Sql,
  setup: TierSetup,
  actor: string | null,
  now = new Date(),
  onProgress: (progress: ApplyProgress) => void = () => undefined,
): Promise<TierPreview & { written: number }> {
  await retireTags(sql, setup);
  await saveTiers(sql, setup.shop, setup.tiers, setup.policy);
  onProgress({ stage: 'computing', done: 0, total: 0 });
  const planned = await planTiers(sql, setup, now, 'all');
  const written = await applyTierPlan(sql, setup, planned, { reason: 'edit', actor }, now, (done, total) =>
    onProgress({ stage: 'writing', done, total }),
  );
  return { ...(await previewOf(sql, setup, setup.tiers, planned, 0)), written };
}

/**
 * A tier whose tag changes, or that goes, leaves its old tag on members in
 * Shopify: remember the tag so the sync takes it off, and have the sync
 * re-tag that tier's members (their tier may not move at all).
 */
async function retireTags(sql: Sql, setup: TierSetup): Promise<void> {
  const before = await sql.$queryRaw<Array<{ id: string; tag: string | null }>>`
    SELECT id, perks->>'tag' AS tag FROM "Tier" WHERE shop = ${setup.shop}`;
  const after = new Map(setup.tiers.map((t) => [t.id, t.perks.tag]));
  const changed = before.filter((t) => t.tag !== null && after.get(t.id) !== t.tag);
  if (changed.length === 0) return;
  const kept = new Set([...after.values()].filter(Boolean));
  const retired = changed.map((t) => t.tag!).filter((tag) => !kept.has(tag));
  await sql.$executeRaw`
    UPDATE "Program" SET settings = jsonb_set(settings, '{retiredTierTags}',
      COALESCE(to_jsonb((SELECT array_agg(DISTINCT tag) FROM (
        SELECT jsonb_array_elements_text(COALESCE(settings->'retiredTierTags', '[]'::jsonb)) AS tag UNION SELECT unnest(${retired}::text[])
      ) tags WHERE NOT (tag = ANY(${[...kept] as string[]}::text[])))), '[]'::jsonb)) WHERE shop = ${setup.shop}`;
  await sql.$executeRaw`
    UPDATE "Member" SET "syncedTierId" = NULL, "balanceVersion" = "balanceVersion" + 1
    WHERE shop = ${setup.shop} AND "tierId" = ANY(${changed.map((t) => t.id)}::text[])`;
}

async function saveTiers(sql: Sql, shop: string, tiers: readonly TierDefinition[], policy: TierPolicy): Promise<void> {
  const ids = tiers.map((t) => t.id);
  await sql.$executeRaw`DELETE FROM "Tier" WHERE shop = ${shop} AND NOT (id = ANY(${ids}::text[]))`;
  await sql.$executeRaw`
    INSERT INTO "Tier" (id, shop, name, threshold, perks, "updatedAt")
    SELECT v.id, ${shop}, v.name, v.threshold, v.perks::jsonb, now()
    FROM unnest(${ids}::text[], ${tiers.map((t) => t.name)}::text[], ${tiers.map((t) => t.threshold)}::bigint[], ${tiers.map((t) => JSON.stringify(t.perks))}::text[])
      AS v(id, name, threshold, perks)
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, threshold = EXCLUDED.threshold, perks = EXCLUDED.perks, "updatedAt" = now()
    WHERE "Tier".shop = EXCLUDED.shop`;
  await sql.$executeRaw`
    UPDATE "Program" SET settings = jsonb_set(settings, '{tierPolicy}', ${JSON.stringify(policy)}::jsonb), "updatedAt" = now() WHERE shop = ${shop}`;
}
