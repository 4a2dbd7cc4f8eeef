// Shops that count money in other digits than cents: a JPY shop (no decimals)
// and a KWD shop (three), through real signed webhooks. Before one money parser
// served the whole app, the stored order total assumed two decimals: a ¥5,400
// order was stored as 540000 and 32.250 KWD as 3225.
import { beforeAll, describe, expect, it } from 'vitest';
import { releaseOrder } from '../../web/loyalty/order-points.js';
import { addShops, useTestApp } from '../helpers/app.js';
import { newCustomer, order, refund } from '../helpers/orders.js';
import { deliverOk } from '../helpers/webhooks.js';

const app = useTestApp({ checkLedger: true });

const YEN_SHOP = 'tally-yen.myshopify.com';
const DINAR_SHOP = 'tally-dinar.myshopify.com';

beforeAll(() =>
  addShops(app, [
    [YEN_SHOP, 'JPY', 'Asia/Tokyo'],
    [DINAR_SHOP, 'KWD', 'Asia/Kuwait'],
  ]),
);

const deliver = (shop: string, topic: string, payload: unknown) => deliverOk(app.url, shop, topic, payload);

const stored = (shop: string, orderId: string) =>
  app.prisma.order.findFirstOrThrow({
    where: { shop, orderId },
    select: { currencyCode: true, totalMinor: true, earnBaseMinor: true, pointsAwarded: true },
  });

const member = (shop: string, customerId: string) =>
  app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId } } });

const balances = async (shop: string, customerId: string) => {
  const m = await member(shop, customerId);
  return { available: m.pointsAvailable, pending: m.pointsPending };
};

describe('a JPY shop', () => {
  it('stores ¥6,480 as 6480 yen and earns 1 point per yen on the ¥5,400 of goods', async () => {
    const c = newCustomer('yen');
    // Two mugs at ¥1,200 and a teapot at ¥3,000; ¥540 tax (10%); ¥540 shipping.
    const o = order({
      currency: 'JPY',
      customer: c,
      lines: [
        { title: 'Mug', priceMinor: 1200, quantity: 2 },
        { title: 'Teapot', priceMinor: 3000 },
      ],
      shippingMinor: 540,
      taxRate: 0.1,
    });
    expect((o.payload.current_total_price_set as { shop_money: { amount: string } }).shop_money.amount).toBe('6480');
    await deliver(YEN_SHOP, 'orders/paid', o.payload);
    expect(await stored(YEN_SHOP, o.facts.orderId)).toEqual({
      currencyCode: 'JPY',
      totalMinor: 6480,
      earnBaseMinor: 5400,
      pointsAwarded: 5400,
    });
    // The default program's signup bonus (100) plus the order's points, pending until released.
    expect(await balances(YEN_SHOP, c.id)).toEqual({ available: 100, pending: 5400 });
  });
});

describe('a KWD shop', () => {
  it('stores 35.475 KWD as 35475 fils and earns 1 point per whole dinar (32.250 of goods: 32)', async () => {
    const c = newCustomer('dinar');
    const o = order({
      currency: 'KWD',
      customer: c,
      lines: [
        { title: 'Mug', priceMinor: 12_500, quantity: 2 },
        { title: 'Teapot', priceMinor: 7_250 },
      ],
      shippingMinor: 0,
      taxRate: 0.1,
    });
    expect((o.payload.current_total_price_set as { shop_money: { amount: string } }).shop_money.amount).toBe('35.475');
    await deliver(DINAR_SHOP, 'orders/paid', o.payload);
    expect(await stored(DINAR_SHOP, o.facts.orderId)).toEqual({
      currencyCode: 'KWD',
      totalMinor: 35_475,
      earnBaseMinor: 32_250,
      pointsAwarded: 32,
    });
    expect(await balances(DINAR_SHOP, c.id)).toEqual({ available: 100, pending: 32 });
  });

  it('claws back the refunded share in fils: refunding the teapot (7.250 of 32.250 KWD) leaves 24 of 32 points', async () => {
    const c = newCustomer('dinar');
    const o = order({
      currency: 'KWD',
      customer: c,
      lines: [
        { title: 'Mug', priceMinor: 12_500, quantity: 2 },
        { title: 'Teapot', priceMinor: 7_250 },
      ],
      shippingMinor: 0,
      taxRate: 0,
    });
    await deliver(DINAR_SHOP, 'orders/paid', o.payload);
    await app.prisma.$transaction((tx) => releaseOrder(tx, DINAR_SHOP, o.facts.orderId));
    expect(await balances(DINAR_SHOP, c.id)).toEqual({ available: 132, pending: 0 });
    const teapot = o.facts.lines.filter((l) => l.amountMinor === 7_250);
    const refunded = refund({ ...o.facts, lines: teapot }, { fraction: 1 });
    expect((refunded.refund_line_items as Array<{ subtotal: string }>)[0]!.subtotal).toBe('7.250');
    await deliver(DINAR_SHOP, 'refunds/create', refunded);
    // The order keeps its points in proportion to the goods kept, at the rate it was awarded
    // (web/loyalty/domain/points.ts orderTargetPoints): 32 × 25000 / 32250 fils = 24.8, rounded
    // down as awarded, so 8 points come back. Read as cents, 7.250 KWD is not even an amount.
    expect(await balances(DINAR_SHOP, c.id)).toEqual({ available: 124, pending: 0 });
    const { id: memberId } = await member(DINAR_SHOP, c.id);
    expect(
      await app.prisma.pointEntry.findMany({ where: { shop: DINAR_SHOP, memberId, points: { lt: 0 } }, select: { points: true } }),
    ).toEqual([{ points: -8 }]);
  });
});
