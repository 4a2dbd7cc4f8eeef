// A Tally process killed with SIGKILL in the middle of a webhook burst,
// restarted, and every delivery re-sent as Shopify would: each order counts
// exactly once, every member's points are exact and the doctor is clean.
import { describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { openDatabase } from '../../web/db.js';
import { buildDelivery, type Delivery } from '../../dev/webhook-simulator.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { order } from '../helpers/orders.js';
import { freePort, killableSetup, startTallyProcess, useCleanups, waitHealthy } from '../helpers/processes.js';

const startProcess = (env: Record<string, string>) => startTallyProcess({ TALLY_SEED: 'true', ...env });

/** Sends every delivery (16 at a time) until each got a 2xx, like Shopify's retries; returns the outcomes. */
async function deliverAll(url: string, deliveries: Delivery[], stopAfter?: { count: number; then: () => void }) {
  const outcomes: string[] = [];
  let next = 0;
  let answered = 0;
  const worker = async () => {
    while (next < deliveries.length) {
      const d = deliveries[next++]!;
      const res = await fetch(`${url}/api/webhooks`, { method: 'POST', headers: d.headers, body: d.body }).catch(() => null);
      if (res?.ok) outcomes.push(((await res.json()) as { outcome: string }).outcome);
      answered += 1;
      if (stopAfter && answered === stopAfter.count) stopAfter.then();
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return outcomes;
}

const cleanup = useCleanups();

describe('crash safety', () => {
  it('loses and doubles nothing when the process is killed mid-burst and Shopify re-sends', { timeout: 240_000 }, async () => {
    // On PGlite the database lives inside the killed process, on disk; on PostgreSQL it is a server.
    const { database } = await killableSetup('crash', cleanup);
    const port = await freePort();
    const env: Record<string, string> = { ...database.env, PORT: String(port) };
    const url = `http://127.0.0.1:${port}`;

    const customers = Array.from({ length: 20 }, (_, i) => ({ id: `gid://shopify/Customer/${9_200_000_000_000 + i}` }));
    const orders = Array.from({ length: 300 }, (_, i) =>
      order({ customer: customers[i % 20]!, lines: [{ title: 'Item', priceMinor: 1000 + 37 * i, quantity: 1 }] }),
    );
    const deliveries = orders.map((o) =>
      buildDelivery({ topic: 'orders/paid', shop: DEV_SHOP, secret: DEV_API_SECRET, payload: o.payload }),
    );

    let child = startProcess(env);
    cleanup(() => void child.kill('SIGKILL'));
    await waitHealthy(url, child);
    const first = await deliverAll(url, deliveries, { count: 120, then: () => child.kill('SIGKILL') });
    expect(first.length).toBeGreaterThan(50);
    expect(first.length).toBeLessThan(300);

    child = startProcess(env);
    await waitHealthy(url, child);
    const second = await deliverAll(url, deliveries);
    expect(second).toHaveLength(300);
    // Whatever got a 2xx before the kill was committed: its re-delivery is a duplicate.
    expect(second.filter((o) => o === 'duplicate').length).toBeGreaterThanOrEqual(first.length);
    const stopped = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await stopped;

    const db = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { embedded: { dataDir: database.env.TALLY_DATA_DIR! } }, {
      migrate: false,
    });
    cleanup(() => db.close());
    const recorded = await db.prisma.webhookDelivery.count({
      where: { shop: DEV_SHOP, eventId: { in: deliveries.map((d) => d.headers['x-shopify-event-id']!) } },
    });
    expect(recorded).toBe(300);
    for (const [i, c] of customers.entries()) {
      const theirs = orders.filter((_, n) => n % 20 === i);
      const expected = theirs.reduce((sum, o) => sum + Math.floor(o.facts.lines[0]!.amountMinor / 100), 0);
      const m = await db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
      expect({ customer: c.id, pending: m.pointsPending }).toEqual({ customer: c.id, pending: expected });
    }
    expect((await checkLedger(db.prisma)).offenders).toEqual([]);
  });
});
