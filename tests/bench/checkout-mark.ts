// What marking a checkout completed costs orders/paid (web/loyalty/checkout-completion.ts: a CTE in the order's own
// upsert). Full Tally on PostgreSQL (TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres), signed
// orders/paid deliveries over HTTP, in alternating rounds: without checkout_token (baseline, as `npm run bench` sends)
// and with one naming a stored checkout. Prints each round's orders/s and the medians' ratio.
//   npx tsx tests/bench/checkout-mark.ts     (BENCH_ROUNDS 6, BENCH_ORDERS 1500, BENCH_CONNECTIONS 16)
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { orderPayload } from '../../dev/payloads.js';
import { buildDelivery, type Delivery } from '../../dev/webhook-simulator.js';
import { DEV_API_SECRET, DEV_SHOP, loadConfig } from '../../web/config.js';
import { startTally } from '../../web/start.js';

process.env.TEST_DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';
const { createTestDatabase } = await import('../helpers/database.js');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1500);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const FIRST_DEMO_CUSTOMER = 9_100_000_000_000;

const database = await createTestDatabase();
const app = await startTally(loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', TALLY_SEED: 'true', ...database.env }), {
  frontend: false,
});
const pool = new pg.Pool({ connectionString: database.env.DATABASE_URL, max: 2 });
let customer = 0;

async function round(withCheckout: boolean): Promise<number> {
  const tokens: string[] = [];
  const deliveries: Delivery[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const payload = orderPayload({ customer: { id: `gid://shopify/Customer/${FIRST_DEMO_CUSTOMER + (customer++ % 1000)}` } });
    const token = randomUUID().replaceAll('-', '');
    if (withCheckout) tokens.push(token);
    deliveries.push(
      buildDelivery({
        topic: 'orders/paid',
        shop: DEV_SHOP,
        secret: DEV_API_SECRET,
        eventId: randomUUID(),
        payload: withCheckout ? { ...payload, checkout_token: token } : payload,
      }),
    );
  }
  // The usual case: the checkout's webhook came first.
  if (withCheckout)
    await pool.query(
      `INSERT INTO "Checkout" (shop, token, "currencyCode", "subtotalMinor", "sourceUpdatedAt", "updatedAt")
       SELECT $1, t, 'USD', 10000, now(), now() FROM unnest($2::text[]) AS t`,
      [DEV_SHOP, tokens],
    );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++]!;
        const res = await fetch(new URL('/api/webhooks', app.url), { method: 'POST', headers: d.headers, body: d.body });
        if (res.status !== 200) throw new Error(`orders/paid answered ${res.status}: ${await res.text()}`);
      }
    }),
  );
  const rate = ORDERS / ((performance.now() - started) / 1000);
  if (withCheckout) {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "Checkout" WHERE token = ANY($1) AND "completedAt" IS NOT NULL`, [
      tokens,
    ]);
    if (rows[0].n !== ORDERS) throw new Error(`${rows[0].n} of ${ORDERS} checkouts marked completed`);
  }
  return rate;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  await round(false); // warm-up
  const without: number[] = [];
  const withToken: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    without.push(await round(false));
    withToken.push(await round(true));
    console.log(`round ${r + 1}: without ${without.at(-1)!.toFixed(0)}/s, with checkout_token ${withToken.at(-1)!.toFixed(0)}/s`);
  }
  console.log(
    `orders/paid median: ${median(without).toFixed(0)}/s without, ${median(withToken).toFixed(0)}/s with checkout_token (${(median(withToken) / median(without)).toFixed(3)}×)`,
  );
} finally {
  await pool.end();
  await app.close();
  await database.drop();
}
