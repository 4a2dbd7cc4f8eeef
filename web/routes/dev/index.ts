// Development-only tools. createApp mounts this router only outside
// production, so none of these routes exist in a production process.
import express, { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { PrismaClient } from '../../db.js';
import { mintSessionToken } from '../../shopify/signing.js';
import { HttpError } from '../../http/errors.js';
import { buildDelivery, sendDelivery } from '../../dev/webhook-simulator.js';
import { scenarioPayload, SCENARIOS } from '../../dev/scenarios.js';
import { simulatorPage } from './simulator-page.js';
import { checkLedger } from '../../loyalty/doctor.js';

export function devRoutes(deps: { config: Config; prisma: PrismaClient }): Router {
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

  /** The ledger check (npm run doctor) against the running app's database. */
  router.get('/doctor', async (_req, res) => {
    const result = await checkLedger(deps.prisma);
    res.status(result.offenders.length === 0 ? 200 : 500).json(result);
  });

  router.get('/webhooks', (_req, res) => {
    res.type('html').send(simulatorPage(SCENARIOS));
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
    const results = await sendDelivery(`${req.protocol}://${req.get("host")}`, delivery, input.times);
    res.json({ topic, eventId: delivery.headers['x-shopify-event-id'], results });
  });

  return router;
}
