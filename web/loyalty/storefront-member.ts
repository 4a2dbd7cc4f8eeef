// What the storefront widget shows a shopper: the program (ways to earn, the
// tier ladder, the widget's texts) and, for a logged-in member, their points,
// tier, recent activity and referral link.
import { ruleType } from './domain/rules/index.js';
import type { LoadedProgram } from './program.js';
import { friendsJoined, referralCodeOf, rememberDevice } from './referrals/codes.js';
import type { LoyaltyDeps } from './services.js';
import { customPointsName, entryRewardIds, storefrontPerks, storefrontTiers } from './storefront-program.js';
import { memberTier } from './tiers.js';

type Deps = Pick<LoyaltyDeps, 'prisma' | 'programs'>;

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

/** The shopper's membership and recent activity; guests get { member: null } and the program. */
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
  if (!member) return { member: null, program: summary };
  const [activity, earned] = await Promise.all([
    prisma.pointEntry.findMany({
      where: { shop, memberId: member.id, status: { not: 'VOID' } },
      orderBy: { createdAt: 'desc' },
      take: 10,
      select: { kind: true, points: true, status: true, source: true, availableAt: true, createdAt: true },
    }),
    timesEarned(deps, shop, member.id),
  ]);
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
      referral,
    },
    // How often the member earned each way: the widget ticks one-time ways already done.
    program: summary && {
      ...summary,
      waysToEarn: summary.waysToEarn.map((w, i) => ({ ...w, earned: earned.get(program!.rules[i]!.id) ?? 0 })),
    },
  };
}
