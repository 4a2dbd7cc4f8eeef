// The development shop: installed, with an offline session for the Admin
// stand-in, a default program and a few dozen members with orders and points
// history. Deterministic and idempotent: running it twice changes nothing.
import { DEV_SHOP } from '../config.js';
import type { PrismaClient } from '../db.js';
import { earn, adjust } from '../loyalty/ledger.js';

export const DEV_ACCESS_TOKEN = 'shpat_tally_dev_offline_token';
const MEMBER_COUNT = 36;
const FIRST = ['Ava', 'Noah', 'Mia', 'Liam', 'Zoe', 'Ethan', 'Lena', 'Oskar', 'Chloé', 'Mateo', 'Hana', 'Wei', 'Ola', 'Jan', 'Lucía', 'Finn', 'Inès', 'Yuki'];
const LAST = ['Nowak', 'García', 'Martin', 'Schmidt', 'Chen', 'Kowalski', 'Dubois', 'Müller', 'Li', 'Smith', 'Rossi', 'Tanaka'];

/** A small seeded PRNG (mulberry32) so the demo data is the same on every machine. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEFAULT_PROGRAM_SETTINGS = {
  pointsPerCurrencyUnit: 1,
  rounding: 'down',
  signupBonus: 100,
  pendingDays: 14,
};

export async function seedDemoShop(prisma: PrismaClient, now = new Date()): Promise<{ created: boolean }> {
  const existing = await prisma.program.findUnique({ where: { shop: DEV_SHOP } });
  if (existing) return { created: false };
  const rand = random(20261124);
  await prisma.$transaction(
    async (tx) => {
      await tx.shop.upsert({
        where: { domain: DEV_SHOP },
        create: { domain: DEV_SHOP, name: 'Tally Demo Store', currencyCode: 'USD', ianaTimezone: 'Europe/Warsaw', scopes: 'read_orders,write_customers,write_discounts' },
        update: { uninstalledAt: null },
      });
      await tx.session.upsert({
        where: { id: `offline_${DEV_SHOP}` },
        create: { id: `offline_${DEV_SHOP}`, shop: DEV_SHOP, state: 'seeded', isOnline: false, accessToken: DEV_ACCESS_TOKEN, scope: 'read_orders,write_customers,write_discounts' },
        update: { accessToken: DEV_ACCESS_TOKEN },
      });
      await tx.program.create({ data: { shop: DEV_SHOP, name: 'Tally Rewards', settings: DEFAULT_PROGRAM_SETTINGS } });
      for (let i = 0; i < MEMBER_COUNT; i++) await seedMember(tx as PrismaClient, i, rand, now);
    },
    { timeout: 60_000 },
  );
  return { created: true };
}

async function seedMember(tx: PrismaClient, i: number, rand: () => number, now: Date) {
  const firstName = FIRST[i % FIRST.length]!;
  const lastName = LAST[(i * 7) % LAST.length]!;
  const customerId = `gid://shopify/Customer/${9_100_000_000_000 + i}`;
  const joined = new Date(now.getTime() - Math.floor(rand() * 400 + 20) * 86_400_000);
  const member = await tx.member.create({
    data: {
      shop: DEV_SHOP,
      customerId,
      email: `${firstName.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.${lastName.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}${i}@example.com`,
      firstName,
      lastName,
      acceptsMarketing: rand() < 0.6,
      birthday: rand() < 0.5 ? new Date(Date.UTC(1970 + Math.floor(rand() * 35), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28))) : null,
      createdAt: joined,
    },
  });
  const base = { shop: DEV_SHOP, memberId: member.id };
  await earn(tx, { ...base, points: 100, source: 'RULE', sourceId: 'signup', idempotencyKey: `rule:signup:${customerId}`, createdAt: joined });
  const orders = Math.floor(rand() * 5);
  for (let n = 0; n < orders; n++) {
    const at = new Date(joined.getTime() + (n + 1) * Math.floor(rand() * 60 + 5) * 86_400_000);
    if (at > now) break;
    const totalMinor = 1500 + Math.floor(rand() * 18000);
    const orderId = `gid://shopify/Order/${8_200_000_000_000_000 + i * 10 + n}`;
    await tx.order.create({
      data: { ...base, memberId: member.id, orderId, name: `#${1001 + i * 10 + n}`, currencyCode: 'USD', totalMinor, financialStatus: 'paid', processedAt: at, sourceUpdatedAt: at },
    });
    await earn(tx, { ...base, points: Math.floor(totalMinor / 100), source: 'ORDER', sourceId: orderId, idempotencyKey: `order:${orderId}:earn`, createdAt: at });
  }
  if (i % 9 === 4) {
    await adjust(tx, { ...base, points: 250, reason: 'Apology for a late delivery', idempotencyKey: `seed:adjust:${customerId}`, createdAt: now });
  }
}
