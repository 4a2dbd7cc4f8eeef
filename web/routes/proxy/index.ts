// JSON API for the storefront widget, reached through Shopify's app proxy
// (/apps/tally/* → /proxy/*). req.shop and req.customerId come from the
// signed query only.
import { Router } from 'express';
import type { PrismaClient } from '../../db.js';
import type { Programs } from '../../loyalty/program.js';
import { ruleType } from '../../loyalty/domain/rules/index.js';
import { DEVICE_ID_PATTERN } from '../../loyalty/domain/referrals/code.js';
import { friendsJoined, referralCodeOf, rememberDevice } from '../../loyalty/referrals/codes.js';
import { memberTier } from '../../loyalty/tiers.js';
import type { LoadedProgram } from '../../loyalty/program.js';
import { customPointsName, entryRewardIds, storefrontPerks, storefrontTiers } from '../../loyalty/storefront-program.js';
import { widgetSightings } from '../../loyalty/shops.js';

/** `tier` (with its perks) and `nextTier` as the widget shows them (null without tiers). */
async function tierOf(prisma: PrismaClient, program: LoadedProgram | null, member: Parameters<typeof memberTier>[2], rewardNames: ReadonlyMap<string, string>) {
  const view = program ? await memberTier(prisma, program, member) : null;
  if (!view || !program) return { tier: null, nextTier: null };
  return {
    tier: { id: view.held.id, name: view.held.name, keptUntil: view.keptUntil?.toISOString() ?? null, perks: storefrontPerks(view.held.perks, rewardNames) },
    nextTier: view.nextTier ? { id: view.nextTier.id, name: view.nextTier.name, remaining: view.remaining, basis: program.settings.tierPolicy.basis } : null,
    tierProgress: { value: view.progress, basis: program.settings.tierPolicy.basis, period: program.settings.tierPolicy.period },
  };
}

/** Reward id → name, for the rewards tiers give on entry. */
async function entryRewardNames(prisma: PrismaClient, shop: string, program: LoadedProgram | null): Promise<Map<string, string>> {
  const ids = program ? entryRewardIds(program) : [];
  if (ids.length === 0) return new Map();
  const rows = await prisma.reward.findMany({ where: { shop, id: { in: ids } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Rule id → how many times the member earned it. */
async function timesEarned(prisma: PrismaClient, shop: string, memberId: string): Promise<Map<string, number>> {
  const rows = await prisma.pointEntry.groupBy({ by: ['sourceId'], where: { shop, memberId, source: 'RULE', kind: 'EARN', status: { not: 'VOID' } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.sourceId ?? '', r._count._all]));
}

export interface ProxyOptions {
  /** The shareable referral link for a code (the app proxy landing route on the shop's domain). */
  referralLink(shop: string, code: string, appOrigin: string): string;
}

export function proxyRoutes(prisma: PrismaClient, programs: Programs, options: ProxyOptions): Router {
  const router = Router();
  const widgetSeen = widgetSightings(prisma);

  /** The logged-in shopper's membership and recent activity; guests get { member: null } and the program. */
  router.get('/member', async (req, res) => {
    res.set('Cache-Control', 'private, no-store');
    const shop = req.shop!;
    // Only the widget sends its device id: the theme's app embed is on (the admin's dashboard stops asking).
    if (typeof req.query.device === 'string') void widgetSeen(shop).catch((err: unknown) => req.log.warn({ err }, 'could not record the widget sighting'));
    const program = await programs.get(shop);
    const rewardNames = await entryRewardNames(prisma, shop, program);
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
    const member = req.customerId ? await prisma.member.findUnique({ where: { shop_customerId: { shop, customerId: req.customerId } } }) : null;
    if (!member) return void res.json({ member: null, program: summary });
    const [activity, earned] = await Promise.all([
      prisma.pointEntry.findMany({
        where: { shop, memberId: member.id, status: { not: 'VOID' } },
        orderBy: { createdAt: 'desc' },
        take: 10,
        select: { kind: true, points: true, status: true, source: true, availableAt: true, createdAt: true },
      }),
      timesEarned(prisma, shop, member.id),
    ]);
    // The widget sends its device cookie (?device=): a friend later visiting from this device is this member.
    const device = typeof req.query.device === 'string' && DEVICE_ID_PATTERN.test(req.query.device) ? req.query.device : null;
    if (device) await rememberDevice(prisma, shop, member.id, device);
    const referral = program?.settings.referrals.enabled
      ? await (async () => {
          const code = await referralCodeOf(prisma, shop, member);
          return { code, url: options.referralLink(shop, code, `${req.protocol}://${req.get('host')}`), friendsJoined: await friendsJoined(prisma, shop, member.id) };
        })()
      : null;
    res.json({
      member: {
        firstName: member.firstName,
        birthday: member.birthday && { month: member.birthday.getUTCMonth() + 1, day: member.birthday.getUTCDate() },
        points: { available: member.pointsAvailable, pending: member.pointsPending, lifetimeEarned: member.lifetimeEarned, lifetimeRedeemed: member.lifetimeRedeemed },
        ...(await tierOf(prisma, program, member, rewardNames)),
        memberSince: member.createdAt.toISOString(),
        activity: activity.map((a) => ({ ...a, availableAt: a.availableAt?.toISOString() ?? null, createdAt: a.createdAt.toISOString() })),
        referral,
      },
      // How often the member earned each way: the widget ticks one-time ways already done.
      program: summary && { ...summary, waysToEarn: summary.waysToEarn.map((w, i) => ({ ...w, earned: earned.get(program!.rules[i]!.id) ?? 0 })) },
    });
  });

  return router;
}
