// Members as the merchant looks them up and acts on them in the admin: find
// one, page through the list or export it, read a member's points history,
// adjust points, award a custom action, release an order's pending points
// early. Each action runs in one transaction() on the engine's pool.
import { transaction } from '../db/sql.js';
import { adjust, earn } from './ledger.js';
import { memberHistory, type HistoryQuery } from './member-history.js';
import { countMembers, eachMember, listMembers, type ListContext, type MemberListQuery } from './member-list.js';
import { releaseOrder } from './order-points.js';
import { creditExpiresAt } from './domain/program.js';
import { applyCampaigns } from './domain/rules/campaigns.js';
import { campaignsFor } from './segment-campaigns.js';
import { evaluateRule } from './domain/rules/index.js';
import type { LoyaltyDeps } from './services.js';
import { workUnder } from './working-program.js';

/** An Idempotency-Key sent again with other values: a mistake, said so. */
export class IdempotencyKeyReused extends Error {
  constructor() {
    super('This Idempotency-Key was already used for a different request');
  }
}

export function findMember({ prisma }: Pick<LoyaltyDeps, 'prisma'>, shop: string, id: string) {
  return prisma.member.findFirst({ where: { id, shop } });
}

export function findMemberByCustomer({ prisma }: Pick<LoyaltyDeps, 'prisma'>, shop: string, customerId: string) {
  return prisma.member.findUnique({ where: { shop_customerId: { shop, customerId } } });
}

/** The lowest tier holds members not placed yet, in the list's tier filter as on the tiers page. */
async function listContext({ programs }: Pick<LoyaltyDeps, 'programs'>, shop: string): Promise<ListContext> {
  return { lowestTierId: (await programs.get(shop))?.tiers[0]?.id ?? null };
}

/** A page of the member list (search, filters, sort, cursor). */
export async function memberPage(deps: Pick<LoyaltyDeps, 'pool' | 'programs'>, shop: string, query: MemberListQuery) {
  return listMembers(deps.pool, shop, query, await listContext(deps, shop));
}

/** Every member the filters match, for the CSV export: how many, their rows page by page, and each tier's name. */
export async function memberExport(deps: Pick<LoyaltyDeps, 'pool' | 'programs'>, shop: string, query: MemberListQuery) {
  const context = await listContext(deps, shop);
  const total = await countMembers(deps.pool, shop, query, context);
  const tiers = new Map((await deps.programs.get(shop))?.tiers.map((t) => [t.id, t.name]) ?? []);
  return {
    total,
    tierName: (id: string | null) => tiers.get(id ?? context.lowestTierId ?? '') ?? null,
    members: eachMember(deps.pool, shop, query, context),
  };
}

/** A page of the member's points history, newest first; null when not the shop's member. */
export async function memberHistoryPage({ prisma }: Pick<LoyaltyDeps, 'prisma'>, shop: string, memberId: string, query: HistoryQuery) {
  const member = await prisma.member.findFirst({ where: { id: memberId, shop }, select: { id: true } });
  if (!member) return null;
  return memberHistory(prisma, shop, member.id, query);
}

/**
 * A merchant adds or takes points with a reason. `idempotencyKey` makes a
 * retry act once and answer as the first time did; other values under the
 * same key throw IdempotencyKeyReused; taking more than the member has
 * throws NotEnoughPoints. Null when not the shop's member.
 */
export async function adjustPoints(
  deps: LoyaltyDeps,
  input: { shop: string; memberId: string; points: number; reason: string; actor: string | null; idempotencyKey: string },
) {
  const { shop } = input;
  const member = await findMember(deps, shop, input.memberId);
  if (!member) return null;
  const program = await deps.programs.get(shop);
  await transaction(deps.pool, async (tx) => {
    workUnder(tx, program);
    const appended = await adjust(tx, {
      shop,
      memberId: member.id,
      points: input.points,
      reason: input.reason,
      actor: input.actor,
      idempotencyKey: input.idempotencyKey,
    });
    if (appended === 'duplicate') {
      const [first] = await tx.$queryRaw<Array<{ points: number | string; reason: string | null }>>`
        SELECT points, reason FROM "PointEntry" WHERE shop = ${shop} AND "idempotencyKey" = ${input.idempotencyKey}`;
      if (!first || Number(first.points) !== input.points || first.reason !== input.reason) throw new IdempotencyKeyReused();
    }
  });
  return deps.prisma.member.findUniqueOrThrow({ where: { id: member.id } });
}

/**
 * Awards a custom action (an enabled 'custom-action' rule) to a member, as
 * often as the rule allows: the points given, 0 when the limit is reached,
 * 'no-member' or 'no-rule'.
 */
export async function awardAction(deps: LoyaltyDeps, input: { shop: string; memberId: string; ruleId: string }) {
  const { shop } = input;
  const [member, program] = await Promise.all([findMember(deps, shop, input.memberId), deps.programs.get(shop)]);
  if (!member) return 'no-member' as const;
  const rule = program?.rules.find((r) => r.id === input.ruleId && r.type === 'custom-action');
  if (!program || !rule) return 'no-rule' as const;
  const now = new Date();
  return transaction(deps.pool, async (tx) => {
    // Counted under the member's row lock, so two clicks cannot both pass the limit.
    await tx.$queryRaw`SELECT 1 FROM "Member" WHERE id = ${member.id} FOR UPDATE`;
    const [counted] = await tx.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM "PointEntry" WHERE shop = ${shop} AND "memberId" = ${member.id} AND source = 'RULE' AND "sourceId" = ${rule.id}`;
    const timesAwarded = counted?.n ?? 0;
    const base = evaluateRule(rule, { now, timeZone: program.timeZone, timesAwarded });
    const total = applyCampaigns(base, await campaignsFor(tx, program, member.id, now), now, rule.type, program.settings.rounding);
    if (total > 0) {
      workUnder(tx, program);
      await earn(tx, {
        shop,
        memberId: member.id,
        points: total,
        source: 'RULE',
        sourceId: rule.id,
        idempotencyKey: `action:${rule.id}:${member.id}:${timesAwarded + 1}`,
        expiresAt: creditExpiresAt(now, program.settings.expiry),
      });
    }
    return total;
  });
}

/** Releases an order's pending points now instead of at the end of its pending period: the points released. */
export async function releaseOrderEarly(deps: Pick<LoyaltyDeps, 'pool' | 'programs'>, shop: string, orderId: string): Promise<number> {
  const program = await deps.programs.get(shop);
  return transaction(deps.pool, (tx) => releaseOrder(tx, shop, orderId, new Date(), program));
}
