// `npx tsx tests/bench/referrals.ts`: what referrals cost on the order
// webhook path. Sends the same number of signed orders/paid deliveries with
// bounded concurrency, (a) plain orders and (b) friends' first orders that
// used a referral code (qualification: referrer lock, limits, fraud signals),
// on real PostgreSQL (TEST_DATABASE_URL) or the embedded PGlite, and checks
// the monthly cap held exactly. Environment: BENCH_ORDERS (400),
// BENCH_CONCURRENCY (16), BENCH_REFERRERS (20), BENCH_CAP (10).
import { randomUUID } from 'node:crypto';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { orderPayload } from '../../dev/payloads.js';
import { buildDelivery, sendDelivery, type Delivery } from '../../dev/webhook-simulator.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';
import { startTestApp } from '../helpers/app.js';

const int = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ORDERS = int('BENCH_ORDERS', 400);
const CONCURRENCY = int('BENCH_CONCURRENCY', 16);
const REFERRERS = int('BENCH_REFERRERS', 20);
const CAP = int('BENCH_CAP', 10);
const LINES = [{ title: 'Mug', priceMinor: 2000, quantity: 2 }];

const app = await startTestApp({ env: { TALLY_WORKER: 'false' } });
/** `address`: the shopper's, as Shopify's proxy forwards it (visits are limited per address). */
const proxy = async (method: string, path: string, customer: string | null, body?: unknown, address = '127.0.0.1') => {
  const q = signedProxyQuery({ shop: DEV_SHOP, customerId: customer }, DEV_API_SECRET);
  const res = await fetch(`${app.url}/proxy${path}?${q}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
};

/** A friend's claimed code; waits while referral codes leave the Admin API budget to redemptions (202). */
async function claimedOffer(code: string, address: string): Promise<string> {
  const deviceId = randomUUID();
  for (;;) {
    const visit = await proxy('POST', '/referrals/visits', null, { code, deviceId }, address);
    if (visit.offer) return visit.offer.code;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function run(label: string, deliveries: Delivery[], print = true) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++]!;
        const t = performance.now();
        const [res] = await sendDelivery(app.url, d);
        if (res!.status !== 200) throw new Error(`${label}: HTTP ${res!.status} ${JSON.stringify(res!.body)}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  if (print) console.log(`| ${label} | ${deliveries.length} | ${(deliveries.length / seconds).toFixed(0)} | ${p(0.5)} | ${p(0.99)} |`);
  return deliveries.length / seconds;
}

try {
  await app.prisma.program.update({
    where: { shop: DEV_SHOP },
    data: { settings: { referrals: { monthlyCapPerReferrer: CAP, maxPerDay: 1000 } } },
  });
  app.programs.forget(DEV_SHOP);
  // Referrers and their friends' codes (visits go through the app proxy and the Admin stand-in).
  const codes: Array<{ referrerId: string; offer: string }> = [];
  for (let i = 0; i < REFERRERS; i++) {
    const customerId = `gid://shopify/Customer/${8_800_000_000 + i}`;
    const member = await app.prisma.member.create({
      data: { shop: DEV_SHOP, customerId, email: `referrer${i}@example.com`, firstName: 'Bench' },
    });
    const { member: view } = await proxy('GET', '/member', String(8_800_000_000 + i));
    for (let j = 0; j < ORDERS / REFERRERS; j++) {
      codes.push({ referrerId: member.id, offer: await claimedOffer(view.referral.code, `10.0.${i}.${j}`) });
    }
  }
  const customer = (n: number, tag: string) => ({
    id: `gid://shopify/Customer/${(tag === 'p' ? 7_700_000_000 : 6_600_000_000) + n}`,
    email: `${tag}${n}@example.com`,
  });
  const delivery = (spec: Parameters<typeof orderPayload>[0]) =>
    buildDelivery({ topic: 'orders/paid', shop: DEV_SHOP, secret: DEV_API_SECRET, payload: orderPayload(spec) });
  const plain = Array.from({ length: ORDERS }, (_, n) => delivery({ customer: customer(n, 'p'), lines: LINES }));
  const plainAgain = Array.from({ length: ORDERS }, (_, n) => delivery({ customer: customer(n + ORDERS, 'p'), lines: LINES }));
  // Warm-up (JIT, connection pool, caches), not measured.
  await run(
    'warm-up',
    Array.from({ length: 100 }, (_, n) => delivery({ customer: customer(n + 2 * ORDERS, 'p'), lines: LINES })),
    false,
  );
  // Shuffled: friends of one referrer do not all arrive back to back.
  const shuffled = codes
    .map((c) => ({ c, k: Math.random() }))
    .sort((a, b) => a.k - b.k)
    .map(({ c }) => c);
  const referred = shuffled.map((c, n) =>
    delivery({ customer: customer(n, 'f'), lines: LINES, discountMinor: 1000, discountCode: c.offer }),
  );

  console.log(
    `\n${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite (embedded)'}, ${CONCURRENCY} in flight, ${REFERRERS} referrers, cap ${CAP}/month\n`,
  );
  console.log('| orders/paid deliveries | count | per second | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|');
  // Plain, referred, plain again: the baseline is the mean of the two plain runs, around the referred one.
  const before = await run('plain orders (baseline, before)', plain);
  const ref = await run("friends' first orders with a referral code", referred);
  const after = await run('plain orders (baseline, after)', plainAgain);
  const base = (before + after) / 2;
  console.log(`\nreferred ÷ plain throughput: ${(ref / base).toFixed(2)}×`);
  const counts = await app.prisma.referral.groupBy({ by: ['referrerId', 'status'], _count: true, where: { shop: DEV_SHOP } });
  const pendingPer = new Map<string, number>();
  for (const c of counts) if (c.status === 'PENDING') pendingPer.set(c.referrerId, c._count);
  const exact = [...new Set(codes.map((c) => c.referrerId))].every((id) => pendingPer.get(id) === Math.min(CAP, ORDERS / REFERRERS));
  console.log(`monthly cap held exactly for every referrer: ${exact} (${[...pendingPer.values()].join(', ')} pending each)`);
  if (!exact) process.exitCode = 1;
} finally {
  await app.close();
}
