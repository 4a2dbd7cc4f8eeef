// The Shopify member sync as a reaction (web/subscribers/<event>/sync-to-shopify.ts):
// an order's points reach the member's metafield in the Admin API stand-in
// within seconds, through the real HTTP webhook, the outbox and the job queue
// (not the every-minute schedule); a burst of orders is a few batched calls,
// not one per event; and a run Shopify fails is retried until the member is synced.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { MEMBER_METAFIELD_NAMESPACE, MEMBERS_PER_CALL, syncMembers } from '../../web/jobs/sync-members.js';
import { useTestApp, withProgramSettings } from '../helpers/app.js';
import { newCustomer, order } from '../helpers/orders.js';
import { delivery, send } from '../helpers/webhooks.js';

const app = useTestApp({ checkLedger: true, resetStandin: true });
const shop = DEV_SHOP;
const standin = () => app.standin!;
const setCalls = () => standin().state.requests.filter((r) => r.fields.includes('metafieldsSet'));
const tagCalls = () => standin().state.requests.filter((r) => r.fields.includes('tagsAdd') || r.fields.includes('tagsRemove'));
const syncedPoints = (customerId: string) =>
  standin()
    .state.metafields(shop, customerId)
    .find((m) => m.namespace === MEMBER_METAFIELD_NAMESPACE && m.key === 'points_available')?.value ?? null;
const unsynced = () => app.prisma.$queryRaw<Array<{ id: string }>>`
  SELECT id FROM "Member" WHERE shop = ${shop} AND "balanceVersion" > "syncedVersion" AND "redactedAt" IS NULL AND "customerId" LIKE 'gid://shopify/Customer/%'`;

async function waitFor<T>(what: string, probe: () => Promise<T> | T, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function pay(customer: ReturnType<typeof newCustomer>, priceMinor: number) {
  const [res] = await send(
    app.url,
    delivery('orders/paid', order({ customer, lines: [{ title: 'Mug', priceMinor, quantity: 1 }] }).payload),
  );
  expect(res!.status, JSON.stringify(res!.body)).toBe(200);
}

const memberOf = (customerId: string) => app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId } } });

beforeAll(async () => {
  // The every-minute fallback off, so only the reaction can sync here (it is tested in jobs/sync-members.test.ts).
  await app.jobs.boss.unschedule('sync-members-to-shopify');
  // The seeded members start unsynced: sync them now so each test sees only its own changes.
  await syncMembers(app.prisma, app.admin, new Date(), 1000);
});

describe('member sync as an after-commit reaction', () => {
  it("puts an order's points in the member's Shopify metafield within seconds, not at the next scheduled run", async () => {
    const c = newCustomer('sync');
    await withProgramSettings(app, shop, { pendingDays: 0 }, () => pay(c, 4200));
    const member = await memberOf(c.id);
    expect(member.pointsAvailable).toBeGreaterThan(0);
    const started = Date.now();
    await waitFor(
      'points in Shopify',
      () => syncedPoints(c.id),
      (v) => v === String(member.pointsAvailable),
      9_000,
    );
    expect(Date.now() - started).toBeLessThan(9_000);
    await waitFor('unsynced members', unsynced, (rows) => rows.length === 0, 5_000);
  });

  it('syncs a burst of 50 orders for 10 members in a few batched calls', async () => {
    const customers = Array.from({ length: 10 }, () => newCustomer('burst'));
    const before = { set: setCalls().length, tags: tagCalls().length };
    await withProgramSettings(app, shop, { pendingDays: 0 }, async () => {
      await Promise.all(
        customers.map(async (c, i) => {
          for (let k = 0; k < 5; k++) await pay(c, 1000 + 100 * i + k);
        }),
      );
    });
    const members = await Promise.all(customers.map((c) => memberOf(c.id)));
    await waitFor(
      'the burst in Shopify',
      () => customers.map((c) => syncedPoints(c.id)),
      (values) => values.every((v, i) => v === String(members[i]!.pointsAvailable)),
      30_000,
    );
    await waitFor('unsynced members', unsynced, (rows) => rows.length === 0, 10_000);
    const calls = setCalls().length - before.set;
    // 10 members fit in ceil(10 / MEMBERS_PER_CALL) calls per run; the burst spans a few runs at most,
    // against 50+ points events (one call each without batching).
    expect(calls).toBeGreaterThanOrEqual(Math.ceil(10 / MEMBERS_PER_CALL));
    expect(calls).toBeLessThanOrEqual(4 * Math.ceil(10 / MEMBERS_PER_CALL));
    expect(tagCalls().length - before.tags).toBeLessThanOrEqual(calls);
    expect(
      await app.prisma.event.count({ where: { memberId: { in: members.map((m) => m.id) }, type: { startsWith: 'points.' } } }),
    ).toBeGreaterThanOrEqual(50);
    // The sync reacts to the state, not to each event: no delivery row per points event on the webhook path.
    expect(await app.prisma.eventDelivery.count({ where: { subscriber: { endsWith: '/sync-to-shopify' } } })).toBe(0);
  });

  it('retries a run Shopify failed, and the member is synced once Shopify recovers', async () => {
    const c = newCustomer('retry');
    // Three 503s: the client's own retries give up, so the run fails and the job is retried.
    standin().control.failNext('http503', { field: 'metafieldsSet', count: 3 });
    await withProgramSettings(app, shop, { pendingDays: 0 }, () => pay(c, 3100));
    const member = await memberOf(c.id);
    await waitFor(
      'points in Shopify',
      () => syncedPoints(c.id),
      (v) => v === String(member.pointsAvailable),
      55_000,
    );
    const outcomes = setCalls().map((call) => call.outcome);
    expect(outcomes.filter((o) => o.startsWith('fault:http503'))).toHaveLength(3);
    expect(outcomes.at(-1)).toBe('ok');
    await waitFor('unsynced members', unsynced, (rows) => rows.length === 0, 5_000);
  }, 90_000);
});
