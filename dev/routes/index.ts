// Development-only tools. createApp mounts this router only when
// config.devTools is on (not connected to a Shopify app, listening on
// loopback only: web/config.ts), so none of these routes exist otherwise.
import express, { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../../web/config.js';
import type { PrismaClient } from '../../web/db.js';
import { transaction } from '../../web/db/sql.js';
import { mintSessionToken } from '../../web/shopify/signing.js';
import { HttpError } from '../../web/http/errors.js';
import { buildDelivery, sendDelivery } from '../webhook-simulator.js';
import { scenarioPayload, SCENARIOS } from '../scenarios.js';
import { simulatorPage } from './simulator-page.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { releaseOrder } from '../../web/loyalty/order-points.js';
import { storefrontProxy } from './storefront-proxy.js';
import type { Programs } from '../../web/loyalty/program.js';
import { redactShop } from '../../web/loyalty/compliance.js';
import { changeProgram } from '../../web/loyalty/program-changes.js';
import { DEV_FRESH_SHOP, DEV_SHOPS, seedFreshShop } from '../seed.js';

/** `123` or a Customer GID → the GID. */
const customerGid = (id: string) => (id.startsWith('gid://') ? id : `gid://shopify/Customer/${id}`);

export function devRoutes(deps: { config: Config; prisma: PrismaClient; programs: Programs }): Router {
  const router = Router();
  const { config } = deps;

  /** The development session: a real session token for a seeded shop, so the admin UI runs without Shopify. */
  router.get('/session-token', async (req, res) => {
    const shop = String(req.query.shop ?? 'tally-demo.myshopify.com');
    const installed = await deps.prisma.shop.findFirst({ where: { domain: shop, uninstalledAt: null } });
    if (!installed) throw new HttpError(404, 'not_installed', `${shop} is not installed; run the seed`);
    const token = await mintSessionToken({ shop, apiKey: config.shopify.apiKey, secret: config.shopify.apiSecret });
    res.json({ token, shop });
  });

  /** The development shops: the admin as each (`/?shop=`) and where each is in onboarding. */
  router.get('/shops', async (_req, res) => {
    const programs = await deps.prisma.program.findMany({
      where: { shop: { in: DEV_SHOPS.map((s) => s.domain) } },
      select: { shop: true, onboardedAt: true },
    });
    const onboarding = new Map(programs.map((p) => [p.shop, p.onboardedAt]));
    res.json({
      shops: DEV_SHOPS.map((s) => ({
        domain: s.domain,
        name: s.name,
        admin: `/?shop=${s.domain}`,
        hasProgram: onboarding.has(s.domain),
        onboarded: Boolean(onboarding.get(s.domain)),
      })),
    });
  });

  /** Shows a development shop's onboarding again: the demo shop keeps its program (the checklist from step 2), the fresh shop starts over from nothing. */
  router.post('/shops/:domain/reset-onboarding', async (req, res) => {
    const shop = DEV_SHOPS.find((s) => s.domain === req.params.domain)?.domain;
    if (!shop) throw new HttpError(404, 'not_found', 'Not a development shop');
    // A configuration change like the admin's: it commits with its program.changed event, whose
    // subscriber drops the cached program, and answers once that is done.
    await changeProgram(deps.prisma, shop, 'program', 'dev-tools', async (tx) => {
      if (shop === DEV_FRESH_SHOP) {
        await redactShop(tx, shop, '');
        await seedFreshShop(tx);
      } else {
        await tx.program.updateMany({ where: { shop }, data: { onboardedAt: null, embedOpenedAt: null, embedSeenAt: null } });
      }
    });
    res.json({ shop, onboarding: `/onboarding?shop=${shop}` });
  });

  /** The ledger check (npm run doctor) against the running app's database. */
  router.get('/doctor', async (_req, res) => {
    const result = await checkLedger(deps.prisma);
    res.status(result.offenders.length === 0 ? 200 : 500).json(result);
  });

  /** A member's balances and latest order, for the simulator page. */
  router.get('/members/:customerId', async (req, res) => {
    const customerId = customerGid(req.params.customerId);
    const shop = String(req.query.shop ?? 'tally-demo.myshopify.com');
    const member = await deps.prisma.member.findUnique({ where: { shop_customerId: { shop, customerId } } });
    if (!member) throw new HttpError(404, 'not_found', 'No such member');
    const order = await deps.prisma.order.findFirst({ where: { shop, memberId: member.id }, orderBy: { createdAt: 'desc' } });
    res.json({
      customerId,
      name: [member.firstName, member.lastName].filter(Boolean).join(' '),
      points: { available: member.pointsAvailable, pending: member.pointsPending, lifetimeEarned: member.lifetimeEarned },
      latestOrder: order && {
        orderId: order.orderId,
        name: order.name,
        pointsAwarded: order.pointsAwarded,
        pointsAvailableAt: order.pointsAvailableAt,
        releasedAt: order.pointsReleasedAt,
      },
    });
  });

  /** Releases the pending points of a member's latest order now, instead of after the pending period. */
  router.post('/members/:customerId/release', async (req, res) => {
    const customerId = customerGid(req.params.customerId);
    const shop = String(req.query.shop ?? 'tally-demo.myshopify.com');
    const order = await deps.prisma.order.findFirst({
      where: { shop, member: { customerId }, pointsReleasedAt: null, earnBaseMinor: { not: null } },
      orderBy: { createdAt: 'desc' },
    });
    if (!order) throw new HttpError(404, 'not_found', 'The member has no order with pending points');
    const program = await deps.programs.get(shop);
    const released = await transaction(deps.prisma, (tx) => releaseOrder(tx, shop, order.orderId, new Date(), program));
    res.json({ orderId: order.orderId, released });
  });

  router.use(storefrontProxy(config));

  /** Ends the pending period of referred friends' orders now, so their referrers are rewarded (the release job's work). */
  router.post('/referrals/release', async (req, res) => {
    const shop = String(req.query.shop ?? 'tally-demo.myshopify.com');
    const referrals = await deps.prisma.referral.findMany({
      where: { shop, status: 'PENDING', orderId: { not: null } },
      select: { orderId: true },
    });
    let released = 0;
    for (const { orderId } of referrals) released += await transaction(deps.prisma, (tx) => releaseOrder(tx, shop, orderId!));
    const rewarded = await deps.prisma.referral.count({
      where: { shop, status: 'REWARDED', orderId: { in: referrals.map((r) => r.orderId!) } },
    });
    res.json({ orders: referrals.length, pointsReleased: released, referralsRewarded: rewarded });
  });

  router.get('/webhooks', (_req, res) => {
    res.type('html').send(simulatorPage(SCENARIOS, DEV_SHOPS));
  });

  const SendInput = z.object({
    scenario: z.enum(Object.keys(SCENARIOS) as [string, ...string[]]),
    shop: z.string().default('tally-demo.myshopify.com'),
    times: z.coerce.number().int().min(1).max(10).default(1),
    customerId: z.string().optional(),
  });
  router.post('/webhooks/send', express.json(), express.urlencoded({ extended: false }), async (req, res) => {
    const input = SendInput.parse(req.body);
    const { topic, payload } = await scenarioPayload(deps.prisma, input.scenario, input.shop, input.customerId);
    const delivery = buildDelivery({ topic, shop: input.shop, payload, secret: config.shopify.apiSecret });
    const results = await sendDelivery(`${req.protocol}://${req.get('host')}`, delivery, input.times);
    res.json({ topic, eventId: delivery.headers['x-shopify-event-id'], results });
  });

  return router;
}
