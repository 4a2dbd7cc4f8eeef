// The outbox across a crash: a Tally process commits events (orders' points,
// a program change) and is killed with SIGKILL before anything dispatched
// them; started again, it hands every event to every after-commit subscriber
// exactly once — and a second kill and restart hands out nothing twice.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { openDatabase } from '../../web/db.js';
import { afterCommitByType } from '../../web/events/registry.js';
import { buildDelivery } from '../../dev/webhook-simulator.js';
import { order } from '../helpers/orders.js';
import { freePort, killableSetup, startTallyProcess, useCleanups, waitHealthy } from '../helpers/processes.js';
import { adminApi } from '../helpers/requests.js';

const startProcess = (env: Record<string, string>) =>
  startTallyProcess({ TALLY_SEED: 'true', ...env }, { entry: 'tests/integration/support/events-child.ts' });

const kill = (child: ChildProcess, signal: NodeJS.Signals) => {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  return exited;
};

const handled = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);

const cleanup = useCleanups();

describe('event outbox crash safety', () => {
  it(
    'delivers every committed event to every after-commit subscriber exactly once after a SIGKILL before dispatch',
    { timeout: 240_000 },
    async () => {
      const { dir, database } = await killableSetup('events-crash', cleanup);
      const log = path.join(dir, 'handled.log');
      const port = await freePort();
      const env: Record<string, string> = { ...database.env, PORT: String(port), EVENTS_LOG: log };
      const url = `http://127.0.0.1:${port}`;
      const openDb = () =>
        openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { embedded: { dataDir: env.TALLY_DATA_DIR! } }, { migrate: false });

      // 1. No worker, nudges held: events commit and nothing dispatches them.
      let child = startProcess({ ...env, TALLY_WORKER: 'false', EVENTS_HOLD: 'true' });
      cleanup(() => void child.kill('SIGKILL'));
      await waitHealthy(url, child);
      const customers = Array.from({ length: 5 }, (_, i) => ({ id: `gid://shopify/Customer/${9_300_000_000_000 + i}` }));
      for (const [i, customer] of Array.from({ length: 20 }, (_, n) => customers[n % 5]!).entries()) {
        const d = buildDelivery({
          topic: 'orders/paid',
          shop: DEV_SHOP,
          secret: DEV_API_SECRET,
          payload: order({ customer, lines: [{ title: 'Item', priceMinor: 1000 + i, quantity: 1 }] }).payload,
        });
        const res = await fetch(`${url}/api/webhooks`, { method: 'POST', headers: d.headers, body: d.body });
        expect(res.status).toBe(200);
      }
      const rule = await adminApi(url, 'POST', '/earn-rules', {
        type: 'custom-action',
        name: 'Review',
        config: { name: 'Write a review', points: 40 },
      });
      expect(rule.status).toBe(201);
      await kill(child, 'SIGKILL');

      let db = await openDb();
      const committed = await db.prisma.event.findMany({
        where: { shop: DEV_SHOP, type: { in: ['points.pending', 'program.changed'] } },
        select: { id: true, type: true, dispatchedAt: true },
      });
      await db.close();
      // The demo shop's seeded orders, and ours.
      expect(committed.filter((e) => e.type === 'points.pending').length).toBeGreaterThanOrEqual(20);
      expect(committed.filter((e) => e.type === 'program.changed')).toHaveLength(1);
      expect(committed.every((e) => e.dispatchedAt === null)).toBe(true);
      expect(handled(log)).toEqual([]);

      // 2. Restarted with its worker: everything committed is delivered, once.
      child = startProcess(env);
      await waitHealthy(url, child);
      // Until the admin API shows every delivery done (a kill between a handler and its "done" would run it again: at least once).
      const allDone = async () => {
        const { body } = await adminApi(url, 'GET', '/events?limit=500');
        const mine = (body.events as Array<{ id: string; deliveries: Array<{ status: string }> }>).filter((e) =>
          committed.some((c) => c.id === e.id),
        );
        return (
          mine.length === committed.length && mine.every((e) => e.deliveries.length > 0 && e.deliveries.every((d) => d.status === 'done'))
        );
      };
      for (let i = 0; i < 600 && !(await allDone()); i++) await new Promise((r) => setTimeout(r, 100));
      const expected = committed.map((e) => `${e.type} ${e.id}`).sort();
      expect(handled(log).sort()).toEqual(expected);

      // 3. Killed and started again: nothing is handed out twice.
      await kill(child, 'SIGKILL');
      child = startProcess(env);
      await waitHealthy(url, child);
      await new Promise((r) => setTimeout(r, 3000));
      await kill(child, 'SIGTERM');
      expect(handled(log).sort()).toEqual(expected);

      db = await openDb();
      cleanup(() => db.close());
      const deliveries = await db.prisma.eventDelivery.findMany({ where: { eventId: { in: committed.map((e) => e.id) } } });
      // Each event: its test subscriber and the app's own after-commit subscribers of its type (program.changed: the
      // program cache's; points.* and tier.changed: the Shopify sync request).
      const own = afterCommitByType();
      expect(deliveries).toHaveLength(committed.reduce((n, e) => n + 1 + (own.get(e.type)?.length ?? 0), 0));
      expect(deliveries.every((d) => d.status === 'done' && d.attempts === 1)).toBe(true);
      expect(deliveries.map((d) => d.subscriber).filter((s) => s === 'program.changed/forget-program-cache')).toHaveLength(1);
    },
  );
});
