// The event backbone on a real database (PGlite, or PostgreSQL with
// TEST_DATABASE_URL): emit() writes an event only when its cause commits, the
// ledger emits points.* itself, the dispatcher delivers to after-commit
// subscribers once, retries a failing one with backoff, parks it as failed
// (seen in GET /api/admin/events), Retry delivers it once, and one member's
// events reach a subscriber in commit order.
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { transaction } from '../../web/db/sql.js';
import { emit } from '../../web/events/emit.js';
import { addTestSubscriber } from '../../web/events/registry.js';
import type { StoredEvent } from '../../web/events/catalog.js';
import { useTestApp, withProgramSettings } from '../helpers/app.js';
import { newCustomer, order } from '../helpers/orders.js';
import { adminApi } from '../helpers/requests.js';
import { delivery, send } from '../helpers/webhooks.js';

let skew = 0;
const app = useTestApp({ checkLedger: true, events: { maxAttempts: 3, backoffMs: 60_000, clock: () => new Date(Date.now() + skew) } });
const SECOND = 1000;
const api = (method: string, path: string, body?: unknown) => adminApi(app.url, method, path, body);
const settle = () => app.jobs.events!.settle();

const removals: Array<() => void> = [];
afterEach(() => {
  for (const remove of removals.splice(0)) remove();
});

/**
 * A test-only after-commit subscriber that records what it handled and throws while `failing`. Earlier tests'
 * events are dispatched first: fan-out reads the registry when it runs, so an event still undispatched (its nudge's
 * drain not yet done) would otherwise be handed to this subscriber too.
 */
async function watch(name: string, on: StoredEvent['type'], options: { failing?: boolean } = {}) {
  await settle();
  const seen: StoredEvent[] = [];
  const state = { failing: options.failing ?? false, seen };
  removals.push(
    addTestSubscriber(name, {
      on,
      mode: 'after-commit',
      handle(event) {
        seen.push(event as StoredEvent);
        if (state.failing) throw new Error(`mail server down (${seen.length})`);
      },
    }),
  );
  return state;
}

const deliver = async (topic: string, payload: unknown) => {
  const [res] = await send(app.url, delivery(topic, payload));
  expect(res!.status, JSON.stringify(res!.body)).toBe(200);
};

async function someMember() {
  const c = newCustomer('events');
  await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, () =>
    deliver('orders/paid', order({ customer: c, lines: [{ title: 'Mug', priceMinor: 2000, quantity: 1 }] }).payload),
  );
  return app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
}

const birthday = (memberId: string, day: string) => ({
  type: 'birthday.reached' as const,
  shop: DEV_SHOP,
  memberId,
  cause: `birthday:${day}`,
  data: { birthday: day },
});
const eventsOf = async (query: string) =>
  (await api('GET', `/events?${query}`)).body.events as Array<{
    id: string;
    type: string;
    cause: string;
    data: Record<string, unknown>;
    deliveries: Array<Record<string, unknown>>;
  }>;

describe('emit', () => {
  it('writes an event if and only if its cause commits', async () => {
    const member = await someMember();
    await expect(
      transaction(app.db.pool, async (sql) => {
        await emit(sql, birthday(member.id, '1990-01-01'));
        throw new Error('the cause fails');
      }),
    ).rejects.toThrow('the cause fails');
    expect(await app.prisma.event.count({ where: { memberId: member.id, type: 'birthday.reached' } })).toBe(0);
    await transaction(app.db.pool, (sql) => emit(sql, birthday(member.id, '1990-01-02')));
    expect(await app.prisma.event.count({ where: { memberId: member.id, type: 'birthday.reached' } })).toBe(1);
  });

  it('refuses data the catalogue does not allow, writing nothing', async () => {
    const member = await someMember();
    await expect(
      transaction(app.db.pool, (sql) => emit(sql, { ...birthday(member.id, 'x'), data: { birthday: 42 } } as never)),
    ).rejects.toThrow(/birthday\.reached: birthday/);
    expect(await app.prisma.event.count({ where: { memberId: member.id, type: 'birthday.reached' } })).toBe(0);
  });

  it("has the ledger emit each entry's points event, with its cause and the balance after it, in the order written", async () => {
    const member = await someMember(); // enrols, signs up (bonus), then an order's points are held and released at once
    // The order's own events (order.paid, order.released: tests/integration/events-reactions.test.ts) interleave; these are the ledger's.
    const all = (await eventsOf(`memberId=${member.id}`)).filter((e) => !e.type.startsWith('order.'));
    expect(all.map((e) => e.type)).toEqual(['points.released', 'points.pending', 'points.earned', 'member.enrolled']);
    const [released, pending, signup, enrolled] = all;
    expect(enrolled).toMatchObject({
      cause: expect.stringMatching(/^customer:gid:/),
      data: { customerId: expect.stringMatching(/^gid:/) },
    });
    expect(signup).toMatchObject({ cause: expect.stringMatching(/^signup:/), data: { points: 100, source: 'RULE', balance: 100 } });
    expect(pending).toMatchObject({
      cause: expect.stringMatching(/^order:gid:\/\/shopify\/Order\//),
      data: { points: 20, source: 'ORDER', balance: 100 },
    });
    expect(released).toMatchObject({ data: { points: 20, orderId: pending!.data.orderId } });
  });
});

describe('dispatcher', () => {
  it('retries a failing subscriber with backoff, parks it as failed after the limit, and Retry delivers it once', async () => {
    const flaky = await watch('flaky-mail', 'birthday.reached', { failing: true });
    const member = await someMember();
    await transaction(app.db.pool, (sql) => emit(sql, birthday(member.id, '1991-02-03')));
    await settle();
    expect(flaky.seen).toHaveLength(1);
    await settle(); // not due yet: the first retry waits a backoff (60 s here)
    expect(flaky.seen).toHaveLength(1);
    skew += 60 * SECOND;
    await settle();
    expect(flaky.seen).toHaveLength(2);
    skew += 60 * SECOND; // the second retry waits twice as long
    await settle();
    expect(flaky.seen).toHaveLength(2);
    skew += 60 * SECOND;
    await settle();
    expect(flaky.seen).toHaveLength(3);
    skew += 3600 * SECOND; // parked: no more attempts, however long we wait
    await settle();
    expect(flaky.seen).toHaveLength(3);

    const [event] = await eventsOf(`type=birthday.reached&memberId=${member.id}`);
    const parked = event!.deliveries.find((d) => d.subscriber === 'test/flaky-mail')!;
    expect(parked).toMatchObject({ status: 'failed', attempts: 3, lastError: 'Error: mail server down (3)' });
    expect((await eventsOf('failed=true')).map((e) => e.id)).toContain(event!.id);

    flaky.failing = false;
    expect((await api('POST', `/events/deliveries/${String(parked.id)}/retry`)).status).toBe(202);
    await settle();
    await settle();
    expect(flaky.seen).toHaveLength(4);
    expect(flaky.seen.every((e) => e.id === event!.id)).toBe(true);
    const [after] = await eventsOf(`type=birthday.reached&memberId=${member.id}`);
    expect(after!.deliveries.find((d) => d.subscriber === 'test/flaky-mail')).toMatchObject({
      status: 'done',
      attempts: 4,
      lastError: null,
    });
    expect((await api('POST', `/events/deliveries/${String(parked.id)}/retry`)).status).toBe(409);
    expect((await api('POST', '/events/deliveries/no-such-delivery/retry')).status).toBe(404);
  });

  it("holds a member's later event while an earlier one to the same subscriber waits for its retry", async () => {
    const mail = await watch('ordered-mail', 'birthday.reached', { failing: true });
    const member = await someMember();
    await transaction(app.db.pool, (sql) => emit(sql, birthday(member.id, '1992-01-01')));
    await settle();
    mail.failing = false;
    await transaction(app.db.pool, (sql) => emit(sql, birthday(member.id, '1992-01-02')));
    await settle();
    expect(mail.seen.map((e) => e.data)).toEqual([{ birthday: '1992-01-01' }]);
    skew += 60 * SECOND;
    await settle();
    expect(mail.seen.map((e) => e.data)).toEqual([{ birthday: '1992-01-01' }, { birthday: '1992-01-01' }, { birthday: '1992-01-02' }]);
  });

  it('shows a tier move through orders once in GET /api/admin/events?type=tier.changed, with its delivery', async () => {
    const tiers = await watch('tier-watch', 'tier.changed');
    const c = newCustomer('events-gold');
    await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, () =>
      deliver('orders/paid', order({ customer: c, lines: [{ title: 'Gift box', priceMinor: 150_000, quantity: 1 }] }).payload),
    );
    const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
    await settle();
    const moves = (await eventsOf(`type=tier.changed&memberId=${member.id}`)).filter((e) => e.data.direction === 'up');
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ data: { fromName: 'Bronze', toName: 'Gold', direction: 'up', reason: 'upgrade' } });
    const done = (subscriber: string) => ({
      id: expect.any(String),
      subscriber,
      status: 'done',
      attempts: 1,
      lastError: null,
      nextAttemptAt: expect.any(String),
    });
    // The Shopify sync's reaction to tier.changed coalesces (no delivery row): the email and the test subscriber have one.
    expect(moves[0]!.deliveries).toEqual(expect.arrayContaining([done('tier.changed/send-email'), done('test/tier-watch')]));
    expect(moves[0]!.deliveries).toHaveLength(2);
    expect(tiers.seen.filter((e) => e.id === moves[0]!.id)).toHaveLength(1);
  });

  it("drops the program cache through program.changed's subscriber before an admin's save returns", async () => {
    const before = (await app.programs.get(DEV_SHOP))!.widget; // cached for 5 s
    const saved = await api('PUT', '/program/widget', { ...before, launcher: { ...before.launcher, label: 'Perks' } });
    expect(saved.status).toBe(200);
    expect((await app.programs.get(DEV_SHOP))!.widget.launcher.label).toBe('Perks');
    const [changed] = await eventsOf('type=program.changed&limit=1');
    expect(changed).toMatchObject({
      data: { what: 'widget' },
      deliveries: [{ subscriber: 'program.changed/forget-program-cache', status: 'done', attempts: 1 }],
    });
    await api('PUT', '/program/widget', before);
  });
  it("settle() waits for a drain the minute's dispatch-events job started beside it, so what committed is delivered when it returns", async () => {
    const member = await someMember();
    for (const day of ['1993-01-01', '1993-01-02', '1993-01-03']) {
      const handled: string[] = [];
      removals.push(
        addTestSubscriber(`slow-mail-${day}`, {
          on: 'birthday.reached',
          mode: 'after-commit',
          async handle(event) {
            await new Promise((resolve) => setTimeout(resolve, 300)); // an SMTP server taking its time
            handled.push(String((event as StoredEvent & { data: { birthday: string } }).data.birthday));
          },
        }),
      );
      await transaction(app.db.pool, (sql) => emit(sql, birthday(member.id, day)));
      const job = app.jobs.events!.drain(); // what web/jobs/dispatch-events.ts runs every minute
      await settle();
      expect(handled).toContain(day);
      await job;
    }
  });
});
