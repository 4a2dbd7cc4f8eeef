// Order records for analytics (../shared/METRICS.md, "The data every metric
// reads"): every order webhook records the order's customer (customerKey),
// when it was first seen paid (paidAt) and its net sales (netSalesMinor) for
// members and guests alike, with or without a program; refunds update the net
// whenever they arrive. All through real signed webhooks.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { complianceRedact } from '../../dev/payloads.js';
import { addShops, useTestApp } from '../helpers/app.js';
import { HUNDRED, newCustomer, order, refund } from '../helpers/orders.js';
import { deliverOk } from '../helpers/webhooks.js';

const app = useTestApp({ checkLedger: true });

const YEN_SHOP = 'tally-sales-yen.myshopify.com';
const DINAR_SHOP = 'tally-sales-dinar.myshopify.com';
/** Installed, with no loyalty program at all. */
const BARE_SHOP = 'tally-sales-bare.myshopify.com';
/** Installed, to be redacted (shop/redact) in its own test. */
const GONE_SHOP = 'tally-sales-gone.myshopify.com';

beforeAll(async () => {
  await addShops(app, [
    [YEN_SHOP, 'JPY', 'Asia/Tokyo'],
    [DINAR_SHOP, 'KWD', 'Asia/Kuwait'],
    [GONE_SHOP, 'EUR', 'Europe/Paris'],
  ]);
  await app.prisma.shop.create({ data: { domain: BARE_SHOP, name: BARE_SHOP, currencyCode: 'USD', ianaTimezone: 'UTC' } });
});

const deliver = (topic: string, payload: unknown, shop = DEV_SHOP) => deliverOk(app.url, shop, topic, payload);

const sales = (orderId: string, shop = DEV_SHOP) =>
  app.prisma.order.findFirstOrThrow({
    where: { shop, orderId },
    select: { customerKey: true, paidAt: true, netSalesMinor: true, processedAt: true },
  });

/** A payload delivered again later, as Shopify's orders/updated would (a newer updated_at). */
function later(payload: Record<string, unknown>, changes: Record<string, unknown>, seconds = 60): Record<string, unknown> {
  const at = new Date(new Date(payload.updated_at as string).getTime() + seconds * 1000).toISOString();
  return { ...payload, ...changes, updated_at: at };
}

describe('who and what an order is recorded as', () => {
  it("a member's discounted order: the customer GID, paid now, net of the discount without tax or shipping", async () => {
    const c = newCustomer('member');
    // 10000 of goods, 1000 discount: 9000 net; 8% tax and 500 shipping do not count.
    const o = order({ customer: c, lines: HUNDRED, discountMinor: 1000, shippingMinor: 500, taxRate: 0.08 });
    const before = Date.now();
    await deliver('orders/paid', o.payload);
    const row = await sales(o.facts.orderId);
    expect(row.customerKey).toBe(c.id);
    expect(row.netSalesMinor).toBe(9000);
    expect(row.paidAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("a guest's order belongs to the normalised email; an order with neither customer nor email to no one, yet is a sale", async () => {
    const o = order({ customer: null, lines: [{ title: 'Scarf', priceMinor: 4500 }] });
    const email = `Guest.${randomUUID().slice(0, 8)}@Example.COM`;
    await deliver('orders/paid', { ...o.payload, email: `  ${email} `, contact_email: null });
    expect(await sales(o.facts.orderId)).toMatchObject({ customerKey: email.toLowerCase(), netSalesMinor: 4500 });

    const anonymous = order({ customer: null, lines: [{ title: 'Scarf', priceMinor: 4500 }] });
    await deliver('orders/paid', anonymous.payload);
    const row = await sales(anonymous.facts.orderId);
    expect(row).toMatchObject({ customerKey: null, netSalesMinor: 4500 });
    expect(row.paidAt).not.toBeNull();
  });

  it('an order that earns no points is recorded all the same', async () => {
    // 0.50 of goods: the default program's 1 point per whole unit gives 0 points.
    const c = newCustomer('tiny');
    const o = order({ customer: c, lines: [{ title: 'Sticker', priceMinor: 50 }] });
    await deliver('orders/paid', o.payload);
    const stored = await app.prisma.order.findFirstOrThrow({ where: { shop: DEV_SHOP, orderId: o.facts.orderId } });
    expect(stored.pointsAwarded).toBe(0);
    expect(stored).toMatchObject({ customerKey: c.id, netSalesMinor: 50 });
  });

  it('a shop with no program records its orders and their refunds too', async () => {
    const c = newCustomer('bare');
    const o = order({ customer: c, lines: HUNDRED });
    await deliver('orders/paid', o.payload, BARE_SHOP);
    expect(await sales(o.facts.orderId, BARE_SHOP)).toMatchObject({ customerKey: c.id, netSalesMinor: 10_000 });
    // Half of each line back: 5000.
    await deliver('refunds/create', refund(o.facts, { fraction: 0.5 }), BARE_SHOP);
    expect((await sales(o.facts.orderId, BARE_SHOP)).netSalesMinor).toBe(5000);
  });

  it('orders/paid with a processed_at in the past is recorded at that date (history replayed through webhooks)', async () => {
    const c = newCustomer('history');
    const o = order({ customer: c, lines: HUNDRED });
    const processedAt = '2024-03-01T09:30:00.000Z';
    await deliver('orders/paid', { ...o.payload, processed_at: processedAt, created_at: processedAt });
    const row = await sales(o.facts.orderId);
    expect(row.processedAt.toISOString()).toBe(processedAt);
    expect(row.netSalesMinor).toBe(10_000);
  });
});

describe('what counts in net sales', () => {
  it('taxes_included: the tax inside the prices and inside a refund subtotal is taken out', async () => {
    const c = newCustomer('vat');
    const o = order({ customer: c, lines: [{ title: 'Kettle', priceMinor: 1200, quantity: 2 }], taxRate: 0 });
    // 2 × 12.00 with 20% VAT included: 4.00 of tax, 20.00 net.
    const lines = (o.payload.line_items as Array<Record<string, unknown>>).map((line) => ({
      ...line,
      tax_lines: [{ title: 'VAT', rate: 0.2, price: '4.00', price_set: money(400) }],
    }));
    const payload = { ...o.payload, taxes_included: true, line_items: lines, total_tax_set: money(400), current_total_tax_set: money(400) };
    await deliver('orders/paid', payload);
    expect((await sales(o.facts.orderId)).netSalesMinor).toBe(2000);
    // One kettle back: a 12.00 subtotal of which 2.00 is VAT, so 10.00 net.
    const back = refund(o.facts, { fraction: 0.5 });
    const refundLines = back.refund_line_items.map((l) => ({ ...l, subtotal_set: money(1200), total_tax_set: money(200) }));
    await deliver('refunds/create', { ...back, refund_line_items: refundLines });
    expect((await sales(o.facts.orderId)).netSalesMinor).toBe(1000);
  });

  it('a gift card line is not a sale', async () => {
    const o = order({
      customer: newCustomer('gift'),
      lines: [
        { title: 'Tee', priceMinor: 2900, quantity: 2 },
        { title: 'Gift card', priceMinor: 5000, giftCard: true },
      ],
    });
    await deliver('orders/paid', o.payload);
    expect((await sales(o.facts.orderId)).netSalesMinor).toBe(5800);
  });

  it('a JPY shop records yen (no decimals) and a KWD shop fils (three)', async () => {
    const yen = order({
      currency: 'JPY',
      customer: newCustomer('yen'),
      lines: [
        { title: 'Mug', priceMinor: 1200, quantity: 2 },
        { title: 'Teapot', priceMinor: 3000 },
      ],
      shippingMinor: 540,
      taxRate: 0.1,
    });
    await deliver('orders/paid', yen.payload, YEN_SHOP);
    expect((await sales(yen.facts.orderId, YEN_SHOP)).netSalesMinor).toBe(5400);

    const dinar = order({
      currency: 'KWD',
      customer: newCustomer('dinar'),
      lines: [
        { title: 'Mug', priceMinor: 12_500, quantity: 2 },
        { title: 'Teapot', priceMinor: 7_250 },
      ],
      shippingMinor: 1_000,
      taxRate: 0.1,
    });
    await deliver('orders/paid', dinar.payload, DINAR_SHOP);
    expect((await sales(dinar.facts.orderId, DINAR_SHOP)).netSalesMinor).toBe(32_250);
  });
});

describe('refunds, whenever they arrive', () => {
  it('a partial refund after the order takes its lines off; delivered again it counts once, also when the order lists it', async () => {
    const o = order({ customer: newCustomer('refund-after'), lines: HUNDRED });
    await deliver('orders/paid', o.payload);
    const back = refund(o.facts, { fraction: 0.5, shippingMinor: 500 });
    await deliver('refunds/create', back);
    // Half of each line: 2000 + 3000 back; the refunded shipping was never a sale.
    expect((await sales(o.facts.orderId)).netSalesMinor).toBe(5000);
    await deliver('refunds/create', back);
    expect((await sales(o.facts.orderId)).netSalesMinor).toBe(5000);
    await deliver('orders/updated', later(o.payload, { financial_status: 'partially_refunded', refunds: [back] }));
    expect((await sales(o.facts.orderId)).netSalesMinor).toBe(5000);
  });

  it('a refund that arrives before its order is counted when the order arrives', async () => {
    const o = order({ customer: newCustomer('refund-before'), lines: HUNDRED });
    await deliver('refunds/create', refund(o.facts, { fraction: 0.5 }));
    await deliver('orders/paid', later(o.payload, { financial_status: 'partially_refunded' }));
    expect((await sales(o.facts.orderId)).netSalesMinor).toBe(5000);
  });

  it('refunds listed in the order and others only stored are both counted, each once', async () => {
    const o = order({ customer: newCustomer('refund-mixed'), lines: HUNDRED });
    const first = refund(o.facts, { fraction: 0.5 });
    const second = refund({ ...o.facts, lines: o.facts.lines.slice(0, 1) }, { fraction: 0.5 });
    await deliver('refunds/create', second);
    await deliver('orders/paid', later(o.payload, { financial_status: 'partially_refunded', refunds: [first] }));
    // 10000 − (2000 + 3000) − 2000.
    expect((await sales(o.facts.orderId)).netSalesMinor).toBe(3000);
  });

  it('paid then refunded in full stays a sale, with net 0', async () => {
    const o = order({ customer: newCustomer('refunded'), lines: HUNDRED });
    await deliver('orders/paid', o.payload);
    const back = refund(o.facts, { fraction: 1 });
    await deliver('refunds/create', back);
    await deliver('orders/updated', later(o.payload, { financial_status: 'refunded', refunds: [back] }));
    const row = await sales(o.facts.orderId);
    expect(row.netSalesMinor).toBe(0);
    expect(row.paidAt).not.toBeNull();
  });
});

describe('when an order is a sale', () => {
  it('pending → paid: recorded with its customer at once, a sale with its net from the first paid delivery', async () => {
    const c = newCustomer('pending');
    const o = order({ customer: c, lines: HUNDRED, financialStatus: 'pending' });
    await deliver('orders/create', o.payload);
    expect(await sales(o.facts.orderId)).toMatchObject({ customerKey: c.id, paidAt: null, netSalesMinor: null });
    await deliver('orders/paid', later(o.payload, { financial_status: 'paid' }));
    const paid = await sales(o.facts.orderId);
    expect(paid.netSalesMinor).toBe(10_000);
    expect(paid.paidAt).not.toBeNull();
    // Sticky: a later delivery keeps the first time it was seen paid.
    await deliver('orders/updated', later(o.payload, { financial_status: 'paid' }, 120));
    expect((await sales(o.facts.orderId)).paidAt).toEqual(paid.paidAt);
  });

  it('a cancelled order is no sale (net null), and an older payload delivered after it changes nothing', async () => {
    const o = order({ customer: newCustomer('cancelled'), lines: HUNDRED });
    await deliver('orders/paid', o.payload);
    const cancelled = later(o.payload, { cancelled_at: new Date().toISOString(), cancel_reason: 'customer', financial_status: 'refunded' });
    await deliver('orders/cancelled', cancelled);
    const row = await sales(o.facts.orderId);
    expect(row.netSalesMinor).toBeNull();
    expect(row.paidAt).not.toBeNull();
    await deliver('orders/updated', o.payload);
    expect((await sales(o.facts.orderId)).netSalesMinor).toBeNull();
    // And a refund of a cancelled order does not bring its net back.
    await deliver('refunds/create', refund(o.facts, { fraction: 0.5 }));
    expect((await sales(o.facts.orderId)).netSalesMinor).toBeNull();
  });
});

describe('privacy', () => {
  it("customers/redact replaces the email keying the customer's guest orders with one stable token, so counts stay right", async () => {
    const c = newCustomer('redact');
    const guest = () => {
      const o = order({ customer: null, lines: [{ title: 'Scarf', priceMinor: 4500 }] });
      return { ...o, payload: { ...o.payload, email: c.email.toUpperCase(), contact_email: c.email } };
    };
    const [g1, g2] = [guest(), guest()];
    await deliver('orders/paid', g1.payload);
    await deliver('orders/paid', g2.payload);
    // A guest order under another email of theirs, named in the request.
    const other = `other.${c.email}`;
    const g3 = order({ customer: null, lines: [{ title: 'Hat', priceMinor: 2500 }] });
    await deliver('orders/paid', { ...g3.payload, email: other });
    const own = order({ customer: c, lines: HUNDRED });
    await deliver('orders/paid', own.payload);
    const keys = async () => app.prisma.order.groupBy({ by: ['customerKey'], where: { shop: DEV_SHOP }, _count: true });
    const before = (await keys()).length;

    const redact = complianceRedact(DEV_SHOP, c.id.split('/').pop()!, [g3.facts.orderId.split('/').pop()!]);
    await deliver('customers/redact', { ...redact, customer: { ...redact.customer, email: c.email } });

    expect(await app.prisma.order.count({ where: { shop: DEV_SHOP, customerKey: { contains: c.email, mode: 'insensitive' } } })).toBe(0);
    expect(await app.prisma.order.count({ where: { shop: DEV_SHOP, guestEmail: { contains: c.email, mode: 'insensitive' } } })).toBe(0);
    const [a, b] = [await sales(g1.facts.orderId), await sales(g2.facts.orderId)];
    expect(a.customerKey).toMatch(/^redacted:/);
    expect(b.customerKey).toBe(a.customerKey);
    const [mine, third] = [await sales(own.facts.orderId), await sales(g3.facts.orderId)];
    expect(mine.customerKey).toMatch(/^redacted:/);
    expect(third.customerKey).toMatch(/^redacted:/);
    expect(new Set([a.customerKey, mine.customerKey, third.customerKey]).size).toBe(3);
    expect((await keys()).length).toBe(before);
    // The guest members those orders held points under no longer carry the emails either.
    expect(await app.prisma.member.count({ where: { shop: DEV_SHOP, customerId: { contains: c.email, mode: 'insensitive' } } })).toBe(0);
    expect(await app.prisma.member.count({ where: { shop: DEV_SHOP, customerId: { contains: other } } })).toBe(0);
    expect(a.netSalesMinor).toBe(4500);
    // A later delivery of the order does not bring the email back.
    await deliver('orders/updated', later(g1.payload, {}));
    expect((await sales(g1.facts.orderId)).customerKey).toBe(a.customerKey);
  });

  it('shop/redact leaves no order, and so no email, of the shop', async () => {
    const o = order({ currency: 'EUR', customer: null, lines: [{ title: 'Scarf', priceMinor: 4500 }] });
    const email = `gone.${randomUUID().slice(0, 8)}@example.com`;
    await deliver('orders/paid', { ...o.payload, email }, GONE_SHOP);
    expect((await sales(o.facts.orderId, GONE_SHOP)).customerKey).toBe(email);
    await deliver('shop/redact', { shop_id: 954890, shop_domain: GONE_SHOP }, GONE_SHOP);
    expect(await app.prisma.order.count({ where: { OR: [{ shop: GONE_SHOP }, { customerKey: email }] } })).toBe(0);
  });
});

function money(minor: number) {
  const amount = (minor / 100).toFixed(2);
  return { shop_money: { amount, currency_code: 'USD' }, presentment_money: { amount, currency_code: 'USD' } };
}
