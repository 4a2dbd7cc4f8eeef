// The points engine under Shopify's delivery model: repeats, reordering,
// races, refunds, cancellations, edits, guests — checked with the doctor
// after every scenario. Runs on PGlite and on PostgreSQL.
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { customerPayload } from '../../dev/payloads.js';
import { redeem } from '../../web/loyalty/ledger.js';
import { orderLockKey, releaseOrder } from '../../web/loyalty/order-points.js';
import { onPostgres } from '../helpers/database.js';
import { useTestApp, withProgramSettings } from '../helpers/app.js';
import { delivery, post, send } from '../helpers/webhooks.js';
import { HUNDRED, newCustomer, order, refund } from '../helpers/orders.js';

const app = useTestApp({ checkLedger: true });

const member = (customerId: string) => app.prisma.member.findUnique({ where: { shop_customerId: { shop: DEV_SHOP, customerId } } });
const balances = async (customerId: string) => {
  const m = await member(customerId);
  return m && { available: m.pointsAvailable, pending: m.pointsPending, lifetimeEarned: m.lifetimeEarned };
};
const deliver = async (topic: string, payload: unknown) => {
  const [res] = await send(app.url, delivery(topic, payload));
  expect(res!.status, JSON.stringify(res!.body)).toBe(200);
  return res!;
};
const releaseNow = (orderId: string) => app.prisma.$transaction((tx) => releaseOrder(tx, DEV_SHOP, orderId));

describe('earning on orders', () => {
  it('holds the points of a paid order as pending, then releases them', async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED, shippingMinor: 700, taxRate: 0.2 });
    await deliver('orders/paid', o.payload);
    // 1 point per unit on line items after discounts: no tax, no shipping; 100 signup bonus.
    expect(await balances(c.id)).toEqual({ available: 100, pending: 100, lifetimeEarned: 100 });
    expect(await releaseNow(o.facts.orderId)).toBe(100);
    expect(await balances(c.id)).toEqual({ available: 200, pending: 0, lifetimeEarned: 200 });
  });

  it('applies the same delivery three times exactly once', async () => {
    const c = newCustomer();
    const d = delivery('orders/paid', order({ customer: c, lines: HUNDRED }).payload);
    const results = await send(app.url, d, 3);
    expect(results.map((r) => (r.body as { outcome: string }).outcome)).toEqual(['processed', 'duplicate', 'duplicate']);
    expect((await balances(c.id))?.pending).toBe(100);
  });

  it('counts orders/create and orders/paid of one order once', async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED });
    await deliver('orders/create', o.payload);
    await deliver('orders/paid', o.payload);
    await deliver('orders/updated', o.payload);
    expect((await balances(c.id))?.pending).toBe(100);
  });

  it('earns nothing for an unpaid order until it is paid', async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED, financialStatus: 'pending' });
    await deliver('orders/create', o.payload);
    expect((await balances(c.id))?.pending).toBe(0);
    await deliver(
      'orders/paid',
      order({ id: o.facts.orderId.split('/').pop(), customer: c, lines: HUNDRED, updatedAt: new Date(Date.now() + 1000) }).payload,
    );
    expect((await balances(c.id))?.pending).toBe(100);
  });

  it('earns in the shop currency when the shopper paid in another', async () => {
    const c = newCustomer();
    // Shop money 100.00 USD; the shopper saw 92.00 EUR.
    await deliver('orders/paid', order({ customer: c, lines: HUNDRED, presentmentCurrency: 'EUR', presentmentRate: 0.92 }).payload);
    expect((await balances(c.id))?.pending).toBe(100);
  });

  it('gives exact totals for 50 orders of one member delivered in parallel', async () => {
    const c = newCustomer();
    const orders = Array.from({ length: 50 }, (_, i) =>
      order({ customer: c, lines: [{ title: 'Item', priceMinor: 100 * (i + 1), quantity: 1 }] }),
    );
    const results = await Promise.all(orders.map((o) => send(app.url, delivery('orders/paid', o.payload)).then(([r]) => r!.status)));
    expect(results.every((s) => s === 200)).toBe(true);
    expect((await balances(c.id))?.pending).toBe((50 * 51) / 2);
  });
});

describe('refunds and cancellations', () => {
  it('claws back exactly half the points when half the order is refunded', async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED });
    await deliver('orders/paid', o.payload);
    await releaseNow(o.facts.orderId);
    await deliver('refunds/create', refund(o.facts, { fraction: 0.5 }));
    expect(await balances(c.id)).toEqual({ available: 150, pending: 0, lifetimeEarned: 150 });
  });

  it('never claws back more than was earned over several partial refunds', async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED });
    await deliver('orders/paid', o.payload);
    await releaseNow(o.facts.orderId);
    for (let i = 0; i < 3; i++) await deliver('refunds/create', refund(o.facts, { fraction: 0.5 }));
    expect((await balances(c.id))?.available).toBe(100); // the signup bonus is untouched
  });

  it('keeps a refund that arrives before its order and applies it when the order comes', async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED });
    await deliver('refunds/create', refund(o.facts, { fraction: 0.5 }));
    await deliver('orders/paid', o.payload);
    expect((await balances(c.id))?.pending).toBe(50);
  });

  it('never lets a cancelled order reach the balance, even when orders/paid arrives after orders/cancelled', async () => {
    const c = newCustomer();
    const id = order({ customer: c, lines: HUNDRED }).facts.orderId.split('/').pop()!;
    await deliver(
      'orders/cancelled',
      order({ id, customer: c, lines: HUNDRED, cancelled: true, updatedAt: new Date(Date.now() + 60_000) }).payload,
    );
    await deliver('orders/paid', order({ id, customer: c, lines: HUNDRED }).payload);
    expect(await balances(c.id)).toEqual({ available: 100, pending: 0, lifetimeEarned: 100 });
  });

  it('voids pending points when the order is cancelled before release', async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED });
    await deliver('orders/paid', o.payload);
    await deliver(
      'orders/cancelled',
      order({
        id: o.facts.orderId.split('/').pop(),
        customer: c,
        lines: HUNDRED,
        cancelled: true,
        updatedAt: new Date(Date.now() + 60_000),
      }).payload,
    );
    expect(await balances(c.id)).toEqual({ available: 100, pending: 0, lifetimeEarned: 100 });
    const entries = await app.prisma.pointEntry.findMany({ where: { orderId: o.facts.orderId } });
    expect(entries.map((e) => e.status)).toEqual(['VOID']);
  });

  it('reverses released points when a paid order is cancelled', async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED });
    await deliver('orders/paid', o.payload);
    await releaseNow(o.facts.orderId);
    await deliver(
      'orders/cancelled',
      order({
        id: o.facts.orderId.split('/').pop(),
        customer: c,
        lines: HUNDRED,
        cancelled: true,
        updatedAt: new Date(Date.now() + 60_000),
      }).payload,
    );
    expect(await balances(c.id)).toEqual({ available: 100, pending: 0, lifetimeEarned: 100 });
  });

  it('settles racing orders/paid, orders/updated and a refund to the same figure', async () => {
    // Ten new customers at once, each with the three deliveries of one order racing:
    // every delivery answers 200 (no deadlock between them) and every order settles at 50.
    const customers = Array.from({ length: 10 }, () => newCustomer());
    await Promise.all(
      customers.map((c) => {
        const o = order({ customer: c, lines: HUNDRED });
        // The same order (same line ids), updated later by Shopify.
        const later = { ...o.payload, updated_at: new Date(Date.now() + 5000).toISOString() };
        return Promise.all([
          deliver('orders/paid', o.payload),
          deliver('orders/updated', later),
          deliver('refunds/create', refund(o.facts, { fraction: 0.5 })),
        ]);
      }),
    );
    for (const c of customers) expect((await balances(c.id))?.pending).toBe(50);
  });

  // A server with concurrent sessions only: the embedded database runs one unit of work at a time anyway.
  it.runIf(onPostgres)("queues a delivery behind another transaction holding the same order's lock", async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED });
    const holder = await app.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM pg_advisory_xact_lock(hashtextextended($1, 0))', [orderLockKey(DEV_SHOP, o.facts.orderId)]);
      let answered = false;
      const sent = deliver('orders/paid', o.payload).then(() => (answered = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(answered).toBe(false); // waiting for the order's lock, before it changed anything
      expect(await balances(c.id)).toBeNull();
      await holder.query('COMMIT');
      await sent;
      expect((await balances(c.id))?.pending).toBe(100);
    } finally {
      holder.release();
    }
  });

  it('takes nothing back for a shipping-only refund when shipping does not earn points', async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED, shippingMinor: 900 });
    await deliver('orders/paid', o.payload);
    await deliver('refunds/create', refund(o.facts, { fraction: 0, shippingMinor: 900 }));
    expect((await balances(c.id))?.pending).toBe(100);
  });

  /** A member earns 100 on an order (plus the 100 signup bonus), spends 180, then the whole order is refunded. */
  async function spendThenRefundAll() {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED });
    await deliver('orders/paid', o.payload);
    await releaseNow(o.facts.orderId);
    const m = (await member(c.id))!;
    await app.prisma.$transaction((tx) =>
      redeem(tx, { shop: DEV_SHOP, memberId: m.id, points: 180, sourceId: 'reward:test', idempotencyKey: `test:redeem:${m.id}` }),
    );
    await deliver('refunds/create', refund(o.facts, { fraction: 1 }));
    return { c, o };
  }

  it('lets the balance go negative when the merchant chose that policy', async () => {
    await withProgramSettings(app, DEV_SHOP, { negativeBalance: 'allow-negative' }, async () => {
      const { c } = await spendThenRefundAll();
      expect((await balances(c.id))?.available).toBe(-80);
    });
  });

  it('floors a clawback at zero when the points were already spent, and records the shortfall', async () => {
    const { c, o } = await spendThenRefundAll();
    expect((await balances(c.id))?.available).toBe(0);
    const clawback = await app.prisma.pointEntry.findFirstOrThrow({ where: { orderId: o.facts.orderId, kind: 'REVERSAL' } });
    expect(clawback).toMatchObject({ points: -20, shortfall: 80 });
  });
});

describe('edits, guests and members', () => {
  it("follows an edited order's new net amount", async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED });
    await deliver('orders/paid', o.payload);
    const edited = order({
      id: o.facts.orderId.split('/').pop(),
      customer: c,
      lines: [...HUNDRED, { title: 'Spoon', priceMinor: 1000, quantity: 3 }],
      updatedAt: new Date(Date.now() + 60_000),
    });
    await deliver('orders/updated', edited.payload);
    expect((await balances(c.id))?.pending).toBe(130);
  });

  it("holds a guest's points against the email and hands them over when the shopper signs up", async () => {
    const c = newCustomer('guest');
    const o = order({ customer: null, lines: HUNDRED });
    await deliver('orders/paid', { ...o.payload, email: c.email, contact_email: c.email });
    expect(await member(c.id)).toBeNull();
    await deliver('customers/create', customerPayload({ id: c.id, email: c.email, firstName: 'Gus' }));
    expect(await balances(c.id)).toEqual({ available: 100, pending: 100, lifetimeEarned: 100 });
    expect(await app.prisma.member.count({ where: { shop: DEV_SHOP, customerId: `guest:${c.email}` } })).toBe(0);
  });

  it('enrols a new customer with the signup bonus once, and the newsletter bonus only if the program has one', async () => {
    const c = newCustomer();
    const payload = customerPayload({ id: c.id, email: c.email, marketing: true });
    await deliver('customers/create', payload);
    await deliver('customers/update', payload);
    expect(await balances(c.id)).toEqual({ available: 100, pending: 0, lifetimeEarned: 100 });
  });
});

describe('orders without a customer', () => {
  it('records an order with neither customer nor email and gives nobody points', async () => {
    const o = order({ customer: null, lines: HUNDRED });
    await deliver('orders/paid', { ...o.payload, email: null, contact_email: null });
    const stored = await app.prisma.order.findUniqueOrThrow({ where: { shop_orderId: { shop: DEV_SHOP, orderId: o.facts.orderId } } });
    expect(stored).toMatchObject({ memberId: null, guestEmail: null });
    expect(await app.prisma.pointEntry.count({ where: { orderId: o.facts.orderId } })).toBe(0);
  });
});

describe('bad input', () => {
  const postSigned = (topic: string, payload: unknown) => {
    const d = delivery(topic, payload);
    return post(app.url, d.headers, d.body);
  };

  /** Sets a dotted path in a JSON payload (the tests spoil Shopify's payloads field by field). */
  const setPath = (target: unknown, path: string, value: unknown) => {
    const keys = path.split('.');
    let node = target as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[keys.at(-1)!] = value;
  };
  it.each([
    ['a negative line price', [['line_items.0.price_set.shop_money.amount', '-5.00']]],
    ['a non-numeric amount', [['line_items.0.price_set.shop_money.amount', 'ten']]],
    [
      'an unknown currency',
      [
        ['currency', 'XYZ'],
        ['total_price_set.shop_money.currency_code', 'XYZ'],
      ],
    ],
  ] as const)('refuses an order with %s (400, nothing changes)', async (_, changes) => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED });
    for (const [path, value] of changes) setPath(o.payload, path, value);
    const res = await postSigned('orders/paid', o.payload);
    expect(res.status).toBe(400);
    expect(res.body?.error?.code).toBe('malformed_payload');
    expect(await member(c.id)).toBeNull();
    expect(await app.prisma.order.count({ where: { orderId: o.facts.orderId } })).toBe(0);
  });
});
