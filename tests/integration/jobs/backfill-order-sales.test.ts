// backfill-order-sales: orders stored before Order had customerKey, paidAt and
// netSalesMinor get the values the webhooks now write, from the stored facts
// and refunds, in batches, once.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../../web/config.js';
import { backfillOrderSales } from '../../../web/jobs/backfill-order-sales.js';
import { useTestApp } from '../../helpers/app.js';
import { HUNDRED, newCustomer, order, refund } from '../../helpers/orders.js';
import { deliverOk } from '../../helpers/webhooks.js';

const app = useTestApp();
const deliver = (topic: string, payload: unknown) => deliverOk(app.url, DEV_SHOP, topic, payload);

const columns = async () =>
  (
    await app.prisma.order.findMany({
      where: { shop: DEV_SHOP },
      select: { id: true, orderId: true, customerKey: true, paidAt: true, netSalesMinor: true, awardedAt: true },
      orderBy: { id: 'asc' },
    })
  ).map(({ awardedAt, paidAt, ...row }) => ({
    ...row,
    paid: paidAt !== null,
    paidWhenAwarded: awardedAt === null || paidAt?.getTime() === awardedAt.getTime(),
  }));

const guestEmail = `backfill.${randomUUID().slice(0, 8)}@example.com`;

beforeAll(async () => {
  // Beside the seeded history: a refund stored apart from its order, a guest, a pending order, a cancelled one, one of no one.
  const refunded = order({ customer: newCustomer('backfill'), lines: HUNDRED, discountMinor: 500 });
  await deliver('orders/paid', refunded.payload);
  await deliver('refunds/create', refund(refunded.facts, { fraction: 0.5 }));
  const guest = order({ customer: null, lines: [{ title: 'Scarf', priceMinor: 4500 }] });
  await deliver('orders/paid', { ...guest.payload, email: guestEmail.toUpperCase() });
  await deliver('orders/create', order({ customer: newCustomer('backfill'), lines: HUNDRED, financialStatus: 'pending' }).payload);
  await deliver('orders/cancelled', order({ customer: newCustomer('backfill'), lines: HUNDRED, cancelled: true }).payload);
  await deliver('orders/paid', order({ customer: null, lines: HUNDRED }).payload);
});

describe('backfill-order-sales', () => {
  it('gives orders from before the columns existed the customer and net sales the webhooks give, in batches, once', async () => {
    const written = await columns();
    expect(written.length).toBeGreaterThan(20);
    expect(written.filter((r) => r.customerKey === guestEmail)).toHaveLength(1);
    // As the rows of an older version left them.
    await app.prisma.order.updateMany({ where: { shop: DEV_SHOP }, data: { customerKey: null, paidAt: null, netSalesMinor: null } });

    const first = await backfillOrderSales(app.db.pool, 7);
    expect(first.orders).toBeGreaterThan(20);
    const filled = await columns();
    expect(filled).toEqual(written);
    expect(filled.every((r) => r.paidWhenAwarded)).toBe(true);

    expect(await backfillOrderSales(app.db.pool, 7)).toEqual({ orders: 0 });
    expect(await columns()).toEqual(written);
  });
});
