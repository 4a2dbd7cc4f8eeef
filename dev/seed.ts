// The development shop: installed, with an offline session for the Admin
// stand-in, the default program (Bronze, Silver and Gold tiers included) and
// a few dozen members whose history was made by the real engine (signups,
// orders, releases, refunds, adjustments, tier upgrades).
// Beside it, a fresh shop that was never onboarded (the admin's first run).
// Deterministic and idempotent: running it twice changes nothing.
import { DEV_FRESH_SHOP, DEV_SHOP } from '../web/config.js';
import type { PrismaClient, Tx } from '../web/db.js';
import { transaction } from '../web/db/sql.js';
import { adjust } from '../web/loyalty/ledger.js';
import { enrolMember } from '../web/loyalty/members.js';
import { applyOrder, applyRefund, releaseOrder } from '../web/loyalty/order-points.js';
import { createDefaultProgram, programCache, type LoadedProgram } from '../web/loyalty/program.js';
import { reviewTier } from '../web/loyalty/tiers.js';
import { parseWebhookBody } from '../web/webhooks/payload.js';
import { orderInput, refundInput } from '../web/webhooks/schemas.js';
import { orderPayload, refundPayload, toShopifyJson } from './payloads.js';

export const DEV_ACCESS_TOKEN = 'shpat_tally_dev_offline_token';
export { DEV_FRESH_SHOP };
export const DEV_FRESH_ACCESS_TOKEN = 'shpat_tally_dev_fresh_offline_token';
/** The development shops the admin can be opened as (`/?shop=`), each with its Admin API token for the stand-in. */
export const DEV_SHOPS = [
  { domain: DEV_SHOP, name: 'Tally Demo Store', accessToken: DEV_ACCESS_TOKEN },
  { domain: DEV_FRESH_SHOP, name: 'Fresh Store', accessToken: DEV_FRESH_ACCESS_TOKEN },
] as const;
const MEMBER_COUNT = 36;
const DAY = 86_400_000;
const FIRST = [
  'Ava',
  'Noah',
  'Mia',
  'Liam',
  'Zoe',
  'Ethan',
  'Lena',
  'Oskar',
  'Chloé',
  'Mateo',
  'Hana',
  'Wei',
  'Ola',
  'Jan',
  'Lucía',
  'Finn',
  'Inès',
  'Yuki',
];
const LAST = ['Nowak', 'García', 'Martin', 'Schmidt', 'Chen', 'Kowalski', 'Dubois', 'Müller', 'Li', 'Smith', 'Rossi', 'Tanaka'];
const PRODUCTS = [
  { title: 'Organic cotton tee', priceMinor: 2900 },
  { title: 'Merino beanie', priceMinor: 3500 },
  { title: 'Canvas tote', priceMinor: 1800 },
  { title: 'Rain jacket', priceMinor: 12900 },
  { title: 'Wool socks (3 pairs)', priceMinor: 2400 },
];

/** A small seeded PRNG (mulberry32) so the demo data is the same on every machine. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Through the same parsing as a real webhook, so the seed exercises the real paths. */
const asWebhook = <T>(schema: { parse(v: unknown): T }, payload: unknown) =>
  schema.parse(parseWebhookBody(Buffer.from(toShopifyJson(payload))));

/** The fresh shop: installed, with its offline session, and nothing else (no program: onboarding starts at step 1). */
export async function seedFreshShop(prisma: Tx): Promise<void> {
  const scope = 'read_orders,write_customers,write_discounts';
  await prisma.shop.upsert({
    where: { domain: DEV_FRESH_SHOP },
    create: { domain: DEV_FRESH_SHOP, name: 'Fresh Store', currencyCode: 'EUR', ianaTimezone: 'Europe/Paris', scopes: scope },
    update: { uninstalledAt: null },
  });
  await prisma.session.upsert({
    where: { id: `offline_${DEV_FRESH_SHOP}` },
    create: {
      id: `offline_${DEV_FRESH_SHOP}`,
      shop: DEV_FRESH_SHOP,
      state: 'seeded',
      isOnline: false,
      accessToken: DEV_FRESH_ACCESS_TOKEN,
      scope,
    },
    update: { accessToken: DEV_FRESH_ACCESS_TOKEN },
  });
}

export async function seedDemoShop(prisma: PrismaClient, now = new Date()): Promise<{ created: boolean }> {
  await seedFreshShop(prisma);
  if (await prisma.program.findUnique({ where: { shop: DEV_SHOP } })) return { created: false };
  const rand = random(20261124);
  await transaction(
    prisma,
    async (tx) => {
      await tx.shop.upsert({
        where: { domain: DEV_SHOP },
        create: {
          domain: DEV_SHOP,
          name: 'Tally Demo Store',
          currencyCode: 'USD',
          ianaTimezone: 'Europe/Warsaw',
          scopes: 'read_orders,write_customers,write_discounts',
        },
        update: { uninstalledAt: null },
      });
      await tx.session.upsert({
        where: { id: `offline_${DEV_SHOP}` },
        create: {
          id: `offline_${DEV_SHOP}`,
          shop: DEV_SHOP,
          state: 'seeded',
          isOnline: false,
          accessToken: DEV_ACCESS_TOKEN,
          scope: 'read_orders,write_customers,write_discounts',
        },
        update: { accessToken: DEV_ACCESS_TOKEN },
      });
      await createDefaultProgram(tx, DEV_SHOP);
      // The demo shop is past onboarding, its widget on (the local storefront renders the embed); a new shop sees the checklist.
      await tx.program.update({ where: { shop: DEV_SHOP }, data: { onboardedAt: now, embedOpenedAt: now, embedSeenAt: now } });
      const program = (await programCache(tx as PrismaClient, 0).get(DEV_SHOP))!;
      for (let i = 0; i < MEMBER_COUNT; i++) await seedMember(tx, program, i, rand, now);
    },
    { timeout: 120_000 },
  );
  return { created: true };
}

async function seedMember(tx: Tx, program: LoadedProgram, i: number, rand: () => number, now: Date) {
  const firstName = FIRST[i % FIRST.length]!;
  const lastName = LAST[(i * 7) % LAST.length]!;
  const ascii = (s: string) =>
    s
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]/g, '');
  const customer = {
    id: `gid://shopify/Customer/${9_100_000_000_000 + i}`,
    email: `${ascii(firstName)}.${ascii(lastName)}${i}@example.com`,
    firstName,
    lastName,
  };
  const joined = new Date(now.getTime() - Math.floor(rand() * 400 + 20) * DAY);
  const member = await enrolMember(
    tx,
    DEV_SHOP,
    program,
    { customerId: customer.id, ...customer, acceptsMarketing: rand() < 0.6 },
    joined,
    'seed',
  );
  await tx.member.update({ where: { id: member.id }, data: { createdAt: joined } });
  const orders = Math.floor(rand() * 5);
  let at = joined;
  for (let n = 0; n < orders; n++) {
    at = new Date(at.getTime() + Math.floor(rand() * 60 + 5) * DAY);
    if (at > now) break;
    const lines = [PRODUCTS[Math.floor(rand() * PRODUCTS.length)]!, PRODUCTS[Math.floor(rand() * PRODUCTS.length)]!].map((p) => ({
      ...p,
      quantity: 1 + Math.floor(rand() * 2),
    }));
    const payload = orderPayload({
      id: String(8_200_000_000_000_000n + BigInt(i * 10 + n)),
      customer,
      lines,
      updatedAt: at,
      discountMinor: rand() < 0.3 ? 500 : 0,
    });
    const input = asWebhook(orderInput, payload);
    await applyOrder(tx, DEV_SHOP, program, input, `seed:${i}:${n}`, at);
    if (rand() < 0.15) {
      const refundedAt = new Date(Math.min(now.getTime(), at.getTime() + 10 * DAY));
      const refund = asWebhook(refundInput, refundPayload(input.facts, { fraction: 0.5, createdAt: refundedAt }));
      await applyRefund(tx, DEV_SHOP, program, refund, `seed:${i}:${n}:refund`, refundedAt);
    }
    const due = new Date(at.getTime() + program.settings.pendingDays * DAY);
    if (due <= now) await releaseOrder(tx, DEV_SHOP, input.facts.orderId, due, program);
  }
  if (i % 9 === 4) {
    await adjust(tx, {
      shop: DEV_SHOP,
      memberId: member.id,
      points: 250,
      reason: 'Apology for a late delivery',
      actor: 'seed',
      idempotencyKey: `seed:adjust:${customer.id}`,
      createdAt: now,
    });
    await reviewTier(tx, program, member.id, now);
  }
}
