// sync-members-to-shopify: copies each changed member's points and VIP tier to
// Shopify as app-owned customer metafields, so themes, Flow and other apps can
// read them, and moves the tier's customer tag (merchants build segments and
// discounts on it). Tags move only when the tier differs from the one last
// tagged (Member.syncedTierId): tagsAdd/tagsRemove are idempotent, so a
// retried run is harmless.
// A member needs syncing while balanceVersion > syncedVersion (the ledger bumps
// balanceVersion with every change). A change asks for a run a second later
// (the after-commit subscribers web/subscribers/<event>/sync-to-shopify.ts, through
// request-member-sync.ts), so a burst of changes is one batched run; the
// every-minute schedule is the fallback. After a successful write, syncedVersion is
// set to the version that was written only if the member did not change
// meanwhile, so a change made during the call is sent on the next run.
// metafieldsSet writes absolute values, so sending the same values twice is
// harmless: that is what makes retrying an ambiguous 5xx safe here. The queue
// runs one sync at a time (pg-boss 'stately' policy): two overlapping runs could
// otherwise let an older value land in Shopify after a newer one.
import type { PrismaClient } from '../db.js';
import { ShopifyAdminError, type AdminClient, type ShopifyUserError } from '../shopify/admin.js';
import { isolated, reportFailures, type Failure } from './batch.js';
import type { JobDeps } from './deps.js';

/** Shopify resolves `$app` to this app's reserved namespace; other apps cannot write it. */
export const MEMBER_METAFIELD_NAMESPACE = '$app:tally';

interface MemberRow {
  id: string;
  shop: string;
  customerId: string;
  pointsAvailable: number;
  pointsPending: number;
  lifetimeEarned: number;
  tierId: string | null;
  syncedTierId: string | null;
  tierName: string | null;
  tierTag: string | null;
  version: number;
  updatedAt: Date;
}

/** What each member carries in Shopify; a field whose value is null is not sent (Shopify refuses blank values). */
const MEMBER_METAFIELDS: ReadonlyArray<{ key: string; type: string; value(m: MemberRow): string | null }> = [
  { key: 'points_available', type: 'number_integer', value: (m) => String(m.pointsAvailable) },
  { key: 'points_pending', type: 'number_integer', value: (m) => String(m.pointsPending) },
  { key: 'lifetime_earned', type: 'number_integer', value: (m) => String(m.lifetimeEarned) },
  { key: 'tier', type: 'single_line_text_field', value: (m) => m.tierName },
];

/** Shopify's limit on metafieldsSet inputs per call. */
const METAFIELDS_PER_CALL = 25;
export const MEMBERS_PER_CALL = Math.floor(METAFIELDS_PER_CALL / MEMBER_METAFIELDS.length);

export const SET_MEMBER_METAFIELDS = `#graphql
  mutation SetMemberMetafields($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      userErrors { field message code elementIndex }
    }
  }`;

interface SetMetafieldsResult {
  metafieldsSet: { userErrors: Array<ShopifyUserError & { elementIndex?: number | null }> } | null;
}

export interface SyncResult {
  /** Members whose points Shopify now holds. */
  synced: number;
  /** Members Shopify refused (userErrors): logged, and not retried until their points change again. */
  refused: Array<{ shop: string; memberId: string; customerId: string; errors: string[] }>;
  /** metafieldsSet calls made. */
  calls: number;
  /** Whether `limit` members were read, so more may be waiting. */
  more: boolean;
  /** How long the oldest change read had waited, in ms (sync lag). */
  lagMs: number | null;
  failures: Failure[];
}

const CUSTOMER_GID = 'gid://shopify/Customer/%';

/** Members of installed shops with unsynced changes, oldest change first; redacted members and guests never sync. */
async function changedMembers(prisma: PrismaClient, limit: number): Promise<MemberRow[]> {
  return prisma.$queryRaw<MemberRow[]>`
    SELECT m.id, m.shop, m."customerId", m."pointsAvailable", m."pointsPending", m."lifetimeEarned",
           m."tierId", m."syncedTierId", t.name AS "tierName", t.perks->>'tag' AS "tierTag",
           m."balanceVersion" AS version, m."updatedAt"
    FROM "Member" m JOIN "Shop" s ON s.domain = m.shop LEFT JOIN "Tier" t ON t.id = m."tierId"
    WHERE m."balanceVersion" > m."syncedVersion" AND m."redactedAt" IS NULL AND m."customerId" LIKE ${CUSTOMER_GID}
      AND s."uninstalledAt" IS NULL
    ORDER BY m."updatedAt", m.id LIMIT ${limit}`;
}

/** Records the versions Shopify now holds, for members that did not change since they were read. */
async function markSynced(prisma: PrismaClient, members: MemberRow[]): Promise<void> {
  if (members.length === 0) return;
  await prisma.$executeRaw`
    UPDATE "Member" m SET "syncedVersion" = v.version
    FROM unnest(${members.map((m) => m.id)}::text[], ${members.map((m) => m.version)}::int[]) AS v(id, version)
    WHERE m.id = v.id AND m."balanceVersion" = v.version AND m."syncedVersion" < v.version`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The client waits out throttling and retries 5xx itself, except for a
 * mutation whose 5xx may have come after Shopify applied it. metafieldsSet is
 * idempotent, so that case is retried here, a few times.
 */
/** The metafields to send for `members`, and for each the position of the member it belongs to. */
function metafieldsOf(members: MemberRow[]) {
  const metafields: Array<{ ownerId: string; namespace: string; key: string; type: string; value: string }> = [];
  const owners: number[] = [];
  members.forEach((m, position) => {
    for (const f of MEMBER_METAFIELDS) {
      const value = f.value(m);
      if (value === null) continue;
      metafields.push({ ownerId: m.customerId, namespace: MEMBER_METAFIELD_NAMESPACE, key: f.key, type: f.type, value });
      owners.push(position);
    }
  });
  return { metafields, owners };
}

async function setMetafields(
  admin: AdminClient,
  shop: string,
  members: MemberRow[],
  attempts = 3,
): Promise<SetMetafieldsResult & { owners: number[] }> {
  const { metafields, owners } = metafieldsOf(members);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { data } = await admin.request<SetMetafieldsResult>(
        shop,
        SET_MEMBER_METAFIELDS,
        { metafields },
        { operationName: 'SetMemberMetafields' },
      );
      return { ...data, owners };
    } catch (err) {
      const ambiguous = err instanceof ShopifyAdminError && err.retryable && err.mayHaveApplied;
      if (!ambiguous || attempt >= attempts) throw err;
      await sleep(250 * 2 ** attempt);
    }
  }
}

/** Which members (by position) Shopify's userErrors point at; empty when it does not say. */
function refusedPositions(errors: Array<ShopifyUserError & { elementIndex?: number | null }>, owners: number[]): Set<number> {
  const positions = new Set<number>();
  for (const e of errors) {
    const index = e.elementIndex ?? (e.field?.[0] === 'metafields' ? Number(e.field[1]) : NaN);
    const owner = Number.isInteger(index) ? owners[index] : undefined;
    if (owner !== undefined) positions.add(owner);
  }
  return positions;
}

/**
 * Writes one group of a shop's members. metafieldsSet is all-or-nothing, so
 * when Shopify refuses some members the rest are sent again without them.
 */
async function syncGroup(prisma: PrismaClient, admin: AdminClient, shop: string, group: MemberRow[], result: SyncResult): Promise<void> {
  let pending = group;
  while (pending.length > 0) {
    const data = await setMetafields(admin, shop, pending);
    result.calls += 1;
    const errors = data.metafieldsSet?.userErrors ?? [];
    if (errors.length === 0) {
      await syncTierTags(prisma, admin, shop, pending, result);
      await markSynced(prisma, pending);
      result.synced += pending.length;
      return;
    }
    const positions = refusedPositions(errors, data.owners);
    const named = pending.filter((_, i) => positions.has(i));
    if (named.length === 0 && pending.length > 1) {
      // Shopify did not say which member: send them one by one.
      for (const member of pending) await syncGroup(prisma, admin, shop, [member], result);
      return;
    }
    const refused = named.length > 0 ? named : pending;
    for (const m of refused) {
      result.refused.push({
        shop,
        memberId: m.id,
        customerId: m.customerId,
        errors: errors.map((e) => `${(e.field ?? []).join('.')}: ${e.message}`),
      });
    }
    // A refusal is about the data, not the moment: retrying every minute would not help.
    await markSynced(prisma, refused);
    pending = pending.filter((m) => !refused.includes(m));
  }
}

/** Every tier tag of the shop, and those of removed or renamed tiers: a member carries its own tier's and none of the others. */
async function shopTierTags(prisma: PrismaClient, shop: string): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ tag: string }>>`
    SELECT perks->>'tag' AS tag FROM "Tier" WHERE shop = ${shop} AND perks->>'tag' IS NOT NULL
    UNION SELECT jsonb_array_elements_text(COALESCE(settings->'retiredTierTags', '[]'::jsonb)) FROM "Program" WHERE shop = ${shop}`;
  return rows.map((r) => r.tag);
}

/**
 * Moves the tier tag of members whose tier changed since they were last
 * tagged: one document with a tagsAdd and a tagsRemove per member (aliases).
 * A member Shopify refuses is reported and not retried until its tier moves.
 */
async function syncTierTags(
  prisma: PrismaClient,
  admin: AdminClient,
  shop: string,
  members: MemberRow[],
  result: SyncResult,
): Promise<void> {
  const moved = members.filter((m) => m.tierId !== m.syncedTierId);
  if (moved.length === 0) return;
  const all = await shopTierTags(prisma, shop);
  const variables: Record<string, unknown> = {};
  const fields: string[] = [];
  const params: string[] = [];
  moved.forEach((m, i) => {
    const add = m.tierTag ? [m.tierTag] : [];
    const remove = all.filter((tag) => tag !== m.tierTag);
    // Shopify wants at least one tag per call: send only the halves that have some.
    if (add.length === 0 && remove.length === 0) return;
    variables[`id${i}`] = m.customerId;
    params.push(`$id${i}: ID!`);
    if (remove.length > 0) {
      variables[`remove${i}`] = remove;
      params.push(`$remove${i}: [String!]!`);
      fields.push(`remove${i}: tagsRemove(id: $id${i}, tags: $remove${i}) { userErrors { field message } }`);
    }
    if (add.length > 0) {
      variables[`add${i}`] = add;
      params.push(`$add${i}: [String!]!`);
      fields.push(`add${i}: tagsAdd(id: $id${i}, tags: $add${i}) { userErrors { field message } }`);
    }
  });
  if (fields.length > 0) await sendTags(admin, shop, moved, params, fields, variables, result);
  await prisma.$executeRaw`
    UPDATE "Member" m SET "syncedTierId" = v.tier
    FROM unnest(${moved.map((m) => m.id)}::text[], ${moved.map((m) => m.tierId)}::text[]) AS v(id, tier)
    WHERE m.id = v.id AND m."tierId" IS NOT DISTINCT FROM v.tier`;
}

async function sendTags(
  admin: AdminClient,
  shop: string,
  moved: MemberRow[],
  params: string[],
  fields: string[],
  variables: Record<string, unknown>,
  result: SyncResult,
) {
  const document = `mutation SetTierTags(${params.join(', ')}) {\n  ${fields.join('\n  ')}\n}`;
  const { data } = await admin.request<Record<string, { userErrors: ShopifyUserError[] } | null>>(shop, document, variables, {
    operationName: 'SetTierTags',
  });
  result.calls += 1;
  moved.forEach((m, i) => {
    const errors = [...(data[`remove${i}`]?.userErrors ?? []), ...(data[`add${i}`]?.userErrors ?? [])];
    if (errors.length > 0)
      result.refused.push({
        shop,
        memberId: m.id,
        customerId: m.customerId,
        errors: errors.map((e) => `${(e.field ?? []).join('.')}: ${e.message}`),
      });
  });
}

/**
 * Writes up to `limit` changed members to Shopify, several per metafieldsSet
 * call. A shop whose calls fail is left for the next run (its syncedVersion
 * untouched) and reported in `failures`; other shops go on.
 */
export async function syncMembers(prisma: PrismaClient, admin: AdminClient, now = new Date(), limit = 400): Promise<SyncResult> {
  const members = await changedMembers(prisma, limit);
  const result: SyncResult = { synced: 0, refused: [], calls: 0, more: members.length === limit, lagMs: null, failures: [] };
  if (members.length > 0) result.lagMs = Math.max(0, now.getTime() - Math.min(...members.map((m) => m.updatedAt.getTime())));
  const byShop = new Map<string, MemberRow[]>();
  for (const m of members) byShop.set(m.shop, [...(byShop.get(m.shop) ?? []), m]);
  for (const [shop, rows] of byShop) {
    await isolated(result.failures, shop, 'metafieldsSet', async () => {
      for (let i = 0; i < rows.length; i += MEMBERS_PER_CALL)
        await syncGroup(prisma, admin, shop, rows.slice(i, i + MEMBERS_PER_CALL), result);
    });
  }
  return result;
}

/** One job works through the backlog for up to this long; the next run (every minute) takes the rest. */
const RUN_BUDGET_MS = 45_000;

export async function syncMembersJob(_data: object, { prisma, admin, logger }: JobDeps): Promise<void> {
  if (!admin) throw new Error('sync-members-to-shopify needs the Admin API client: pass `admin` to startJobs');
  const started = Date.now();
  let synced = 0;
  let calls = 0;
  for (;;) {
    const result = await syncMembers(prisma, admin, new Date());
    synced += result.synced;
    calls += result.calls;
    for (const r of result.refused) logger.warn(r, 'Shopify refused a member metafields write');
    if (result.lagMs !== null) logger.debug({ lagMs: result.lagMs }, 'member sync lag');
    reportFailures('sync-members-to-shopify', result.failures, logger);
    if (!result.more || Date.now() - started > RUN_BUDGET_MS) break;
  }
  if (synced > 0) logger.info({ synced, calls }, 'synced members to Shopify');
}
