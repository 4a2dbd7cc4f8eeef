// What the storefront widget shows a shopper: the program (ways to earn, the
// tier ladder, the widget's texts) and, for a logged-in member, their points,
// tier, recent activity, recent orders, points about to expire and referral link.
import type pg from 'pg';
import { nextFifoExpiry, nextInactivityExpiry, type NextExpiry } from './domain/next-expiry.js';
import { ruleType } from './domain/rules/index.js';
import type { LoadedProgram } from './program.js';
import { recommendRewards } from './recommendations.js';
import { friendsJoined, referralCodeOf, rememberDevice } from './referrals/codes.js';
import type { LoyaltyDeps } from './services.js';
import { customPointsName, entryRewardIds, storefrontPerks, storefrontTiers } from './storefront-program.js';
import { memberTier } from './tiers.js';

type Deps = Pick<LoyaltyDeps, 'prisma' | 'programs' | 'pool'>;

const DAY_MS = 86_400_000;

/** One of the member's recent orders in the widget: points it holds for them now, and whether they still wait. */
export interface RecentOrder {
  name: string;
  processedAt: string;
  points: number;
  pending: boolean;
  /** When pending points become available (null: at fulfilment, or not pending). */
  availableAt: string | null;
}

/**
 * The member's five latest orders (sales: paid, not cancelled; of their
 * customer or credited to them), each with the points it holds for them, and,
 * when `horizon` is given (after-earning expiry), what FIFO expiry needs:
 * their available credits expiring by then and the points debits and
 * expiries took. One statement: the orders on (shop, customerKey,
 * processedAt) and (shop, memberId), their entries on (shop, orderId); the
 * ledger on (shop, memberId, createdAt).
 */
async function ordersAndCredits(
  pool: pg.Pool,
  shop: string,
  member: { id: string; customerId: string },
  horizon: Date | null,
): Promise<{
  orders: RecentOrder[];
  credits: Array<{ points: number; at: string }> | null;
  redeemed: number;
  taken: number;
  expired: number;
}> {
  const { rows } = await pool.query(
    `SELECT
       (SELECT COALESCE(json_agg(json_build_object('name', x.name, 'processedAt', x."processedAt", 'points', x.points,
                 'pending', x.pending, 'availableAt', CASE WHEN x.pending THEN x."pointsAvailableAt" END)
               ORDER BY x."processedAt" DESC, x.id DESC), '[]'::json)
        FROM (
          SELECT o.id, o.name, o."processedAt", o."pointsAvailableAt", pts.points, pts.pending
          FROM "Order" o
          CROSS JOIN LATERAL (
            SELECT COALESCE(sum(e.points), 0)::bigint AS points, COALESCE(bool_or(e.status = 'PENDING'), false) AS pending
            FROM "PointEntry" e
            WHERE e.shop = o.shop AND e."orderId" = o."orderId" AND e."memberId" = $2 AND e.status <> 'VOID' AND e.source IN ('ORDER', 'REFUND')
          ) pts
          WHERE o.shop = $1 AND (o."customerKey" = $3 OR o."memberId" = $2) AND o."netSalesMinor" IS NOT NULL
          ORDER BY o."processedAt" DESC, o.id DESC LIMIT 5
        ) x) AS orders,
       l.credits, l.redeemed, l.taken, l.expired
     FROM (
       SELECT
         json_agg(json_build_object('points', e.points, 'at', e."expiresAt") ORDER BY e."expiresAt")
           FILTER (WHERE e.points > 0 AND e."expiresAt" <= $4::timestamp) AS credits,
         COALESCE(-sum(e.points) FILTER (WHERE e.kind = 'REDEEM' OR (e.kind = 'REVERSAL' AND e.source = 'REWARD')), 0)::bigint AS redeemed,
         COALESCE(-sum(e.points) FILTER (WHERE e.points < 0 AND (e.kind = 'ADJUST' OR (e.kind = 'REVERSAL' AND e.source <> 'REWARD'))), 0)::bigint AS taken,
         COALESCE(-sum(e.points) FILTER (WHERE e.kind = 'EXPIRE'), 0)::bigint AS expired
       FROM "PointEntry" e
       WHERE e.shop = $1 AND e."memberId" = $2 AND e.status = 'AVAILABLE' AND $4::timestamp IS NOT NULL
     ) l`,
    [shop, member.id, member.customerId, horizon],
  );
  const row = rows[0];
  return {
    ...row,
    orders: row.orders.map((o: RecentOrder) => ({
      ...o,
      points: Number(o.points),
      processedAt: new Date(`${o.processedAt}Z`).toISOString(),
      availableAt: o.availableAt && new Date(`${o.availableAt}Z`).toISOString(),
    })),
  };
}

/**
 * The points the member is about to lose, within the program's "expiring
 * soon" window (the one its notices use), as the expire-points job will take
 * them; null when the program's points never expire or nothing expires soon.
 */
function aboutToExpire(
  program: LoadedProgram | null,
  member: { pointsAvailable: number; lastActivityAt: Date | null; createdAt: Date },
  ledger: Awaited<ReturnType<typeof ordersAndCredits>>,
  now: Date,
  horizon: Date | null,
): NextExpiry | null {
  const policy = program?.settings.expiry;
  if (!program || !policy || !horizon || member.pointsAvailable <= 0) return null;
  if (policy.kind === 'after-inactivity')
    return nextInactivityExpiry({
      available: member.pointsAvailable,
      lastActivityAt: member.lastActivityAt ?? member.createdAt,
      policy,
      now,
      horizon,
    });
  if (policy.kind !== 'after-earning') return null;
  return nextFifoExpiry({
    credits: (ledger.credits ?? []).map((c) => ({ points: Number(c.points), expiresAt: new Date(`${c.at}Z`) })),
    debitedSoFar: Math.max(0, ledger.redeemed) + ledger.taken,
    expiredSoFar: ledger.expired,
    available: member.pointsAvailable,
    now,
    horizon,
    timeZone: program.timeZone,
  });
}

/** `tier` (with its perks) and `nextTier` as the widget shows them (null without tiers). */
async function tierOf(
  { prisma }: Deps,
  program: LoadedProgram | null,
  member: Parameters<typeof memberTier>[2],
  rewardNames: ReadonlyMap<string, string>,
) {
  const view = program ? await memberTier(prisma, program, member) : null;
  if (!view || !program) return { tier: null, nextTier: null };
  return {
    tier: {
      id: view.held.id,
      name: view.held.name,
      keptUntil: view.keptUntil?.toISOString() ?? null,
      perks: storefrontPerks(view.held.perks, rewardNames),
    },
    nextTier: view.nextTier
      ? { id: view.nextTier.id, name: view.nextTier.name, remaining: view.remaining, basis: program.settings.tierPolicy.basis }
      : null,
    tierProgress: { value: view.progress, basis: program.settings.tierPolicy.basis, period: program.settings.tierPolicy.period },
  };
}

/** Reward id → name, for the rewards tiers give on entry. */
async function entryRewardNames({ prisma }: Deps, shop: string, program: LoadedProgram | null): Promise<Map<string, string>> {
  const ids = program ? entryRewardIds(program) : [];
  if (ids.length === 0) return new Map();
  const rows = await prisma.reward.findMany({ where: { shop, id: { in: ids } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Rule id → how many times the member earned it. */
async function timesEarned({ prisma }: Deps, shop: string, memberId: string): Promise<Map<string, number>> {
  const rows = await prisma.pointEntry.groupBy({
    by: ['sourceId'],
    where: { shop, memberId, source: 'RULE', kind: 'EARN', status: { not: 'VOID' } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.sourceId ?? '', r._count._all]));
}

export interface ShopperQuery {
  shop: string;
  /** The signed logged_in_customer_id (null: a guest). */
  customerId: string | null;
  /** The widget's device cookie, already checked: a friend later visiting from this device is this member. */
  device: string | null;
  /** The shareable referral link for a code. */
  referralUrl(code: string): string;
}

/**
 * The shopper's membership and recent activity, and the rewards recommended to
 * them (recommendations.ts); guests get { member: null, recommendations: [] } and the program.
 */
export async function shopperPanel(deps: Deps, q: ShopperQuery) {
  const { prisma } = deps;
  const { shop } = q;
  const program = await deps.programs.get(shop);
  const rewardNames = await entryRewardNames(deps, shop, program);
  const summary = program && {
    name: program.name,
    currencyName: program.settings.currencyName,
    /** What every count in the widget calls points; null: its translated "points". */
    pointsName: customPointsName(program),
    /** Launcher appearance and texts from the admin's Widget page (empty texts: the widget's own). */
    widget: program.widget,
    waysToEarn: program.rules.map((r) => ({ type: r.type, name: r.name, trigger: ruleType(r.type)?.trigger ?? null, config: r.config })),
    // The ladder of tiers (names, thresholds, perks), guests included: something to climb.
    tiers: storefrontTiers(program, rewardNames),
    tierBasis: program.settings.tierPolicy.basis,
  };
  const member = q.customerId ? await prisma.member.findUnique({ where: { shop_customerId: { shop, customerId: q.customerId } } }) : null;
  if (!member) return { member: null, program: summary, recommendations: [] };
  const now = new Date();
  const expiry = program?.settings.expiry.kind ?? 'never';
  const horizon = expiry === 'never' ? null : new Date(now.getTime() + program!.settings.expiringSoonDays * DAY_MS);
  const [activity, earned, ledger, recommendations] = await Promise.all([
    prisma.pointEntry.findMany({
      where: { shop, memberId: member.id, status: { not: 'VOID' } },
      orderBy: { createdAt: 'desc' },
      take: 10,
      select: { kind: true, points: true, status: true, source: true, availableAt: true, createdAt: true },
    }),
    timesEarned(deps, shop, member.id),
    ordersAndCredits(deps.pool, shop, member, expiry === 'after-earning' ? horizon : null),
    recommendRewards(deps, shop, member, now),
  ]);
  const expiring = aboutToExpire(program, member, ledger, now, horizon);
  if (q.device) await rememberDevice(prisma, shop, member.id, q.device);
  const referral = program?.settings.referrals.enabled
    ? await (async () => {
        const code = await referralCodeOf(prisma, shop, member);
        return { code, url: q.referralUrl(code), friendsJoined: await friendsJoined(prisma, shop, member.id) };
      })()
    : null;
  return {
    member: {
      firstName: member.firstName,
      birthday: member.birthday && { month: member.birthday.getUTCMonth() + 1, day: member.birthday.getUTCDate() },
      points: {
        available: member.pointsAvailable,
        pending: member.pointsPending,
        lifetimeEarned: member.lifetimeEarned,
        lifetimeRedeemed: member.lifetimeRedeemed,
      },
      ...(await tierOf(deps, program, member, rewardNames)),
      memberSince: member.createdAt.toISOString(),
      activity: activity.map((a) => ({ ...a, availableAt: a.availableAt?.toISOString() ?? null, createdAt: a.createdAt.toISOString() })),
      /** The five latest orders with the points each earned. */
      orders: ledger.orders,
      /** The next points to expire within the "expiring soon" window; null without expiry or when none are due soon. */
      expiring: expiring && { points: expiring.points, at: expiring.at.toISOString() },
      referral,
    },
    // How often the member earned each way: the widget ticks one-time ways already done.
    program: summary && {
      ...summary,
      waysToEarn: summary.waysToEarn.map((w, i) => ({ ...w, earned: earned.get(program!.rules[i]!.id) ?? 0 })),
    },
    /** Rewards for this member, best first, each with a short reason (recommendations.ts). */
    recommendations,
  };
}
