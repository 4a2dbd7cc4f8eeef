// The history import (issue 16, first slice): the stand-in's generated history
// (40 customers, 150 orders over two years, refunds, guests, a few cancelled)
// read through a real bulk operation — bulkOperationRunQuery, status polled and
// the signed bulk_operations/finish webhook, the JSONL file streamed over HTTP —
// is recorded as Order rows with the generator's own net sales; an order also
// delivered by orders/paid during the import counts once; running it again
// changes nothing; a failed operation fails the import with its reason; and the
// analytics summary counts the imported orders. Real HTTP, jobs and database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_KEY, DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { generateHistory } from '../../dev/history.js';
import { POINTS_LATER, runHistoryImport, StillRunning, webhookShape } from '../../web/imports/history.js';
import { mintSessionToken } from '../../web/shopify/signing.js';
import { useTestApp } from '../helpers/app.js';
import { deliverOk } from '../helpers/webhooks.js';

process.env.TALLY_HISTORY_POLL_MS = '5000'; // Shopify asked every 5 s: the webhook is what ends the wait in time
const app = useTestApp();
const history = generateHistory({ customers: 40, orders: 150, end: new Date('2026-11-30T12:00:00Z'), seed: 1616 });
const ids = history.orders.map((o) => o.order.id);

async function request(method: string, path: string, body?: unknown) {
  const token = await mintSessionToken({ shop: DEV_SHOP, apiKey: DEV_API_KEY, secret: DEV_API_SECRET, userId: '4242' });
  const res = await fetch(`${app.url}/api/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answers' fields are checked by the expectations
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Starts an import and follows it to its end, noting every status and progress seen. */
async function imported(since = '2024-11-01') {
  const started = await request('POST', '/imports/history', { since, awardPointsSince: null, preview: false });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  expect(started.body.import).toMatchObject({ id: expect.any(String), kind: 'history', status: 'queued' });
  const seen: Array<{ status: string; done: number; total: number }> = [];
  const until = Date.now() + 30_000;
  for (;;) {
    const res = await request('GET', `/imports/${started.body.import.id}`);
    const i = res.body.import;
    seen.push({ status: i.status, ...i.progress });
    if (i.status === 'done' || i.status === 'failed') return { import: i, seen };
    if (Date.now() > until) throw new Error(`import still ${i.status}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const recorded = () =>
  app.prisma.order.findMany({
    where: { shop: DEV_SHOP, orderId: { in: ids } },
    orderBy: { orderId: 'asc' },
    select: { orderId: true, netSalesMinor: true, customerKey: true, paidAt: true, processedAt: true, pointsAwarded: true },
  });

beforeAll(() => {
  app.standin!.control.configureBulk({ stepMs: 150, webhook: { appUrl: app.url, secret: DEV_API_SECRET } });
});
afterAll(() => {
  app.standin?.control.configureBulk({ webhook: null, failNext: null });
});

describe('history import', () => {
  it('records every order once with the net sales the generator gave it, webhooks mid-import included; again changes nothing', async () => {
    app.standin!.control.setOrderHistory(
      DEV_SHOP,
      history.orders.map((o) => o.order),
    );
    const summary = async () =>
      (await request('GET', '/analytics/summary?from=2024-11-01&to=2026-12-06')).body.all as { orders: number; netSalesMinor: number };
    const before = await summary();

    // One order is delivered by orders/paid while the bulk operation runs (its CREATED → RUNNING steps are 150 ms).
    const live = history.orders.find((o) => o.order.customer && o.order.refunds.length === 0 && !o.order.cancelledAt)!;
    const payload = webhookShape(live.order as never);
    const running = imported();
    await deliverOk(app.url, DEV_SHOP, 'orders/paid', {
      ...payload,
      id: live.order.id.split('/').pop(),
      current_total_price_set: { ...payload.total_price_set, presentment_money: payload.total_price_set!.shop_money },
      customer: { ...payload.customer, id: live.order.customer!.id.split('/').pop() },
    });
    const first = await running;

    expect(first.import.status, JSON.stringify(first.import.result)).toBe('done');
    expect(first.import.progress).toEqual({ done: 150, total: 150 });
    expect(first.seen[0]!.status).toMatch(/queued|running/);
    expect(first.seen.some((s) => s.status === 'running')).toBe(true);
    expect(first.import.errors).toEqual([]);
    expect(first.import.result).toMatchObject({ orders: 150, recorded: 149, alreadyRecorded: 1, invalid: 0, points: POINTS_LATER });

    const rows = await recorded();
    expect(rows).toHaveLength(150);
    const byId = new Map(rows.map((r) => [r.orderId, r]));
    for (const o of history.orders) {
      const row = byId.get(o.order.id)!;
      expect(row.netSalesMinor === null ? null : Number(row.netSalesMinor), o.order.name).toBe(o.netSalesMinor);
      expect(row.customerKey).toBe(o.customerKey);
    }
    // Only the live order earned points (by its webhook); the imported ones none.
    expect(rows.filter((r) => r.pointsAwarded > 0n).map((r) => r.orderId)).toEqual([live.order.id]);

    const sales = history.orders.filter((o) => o.netSalesMinor !== null);
    const after = await summary();
    expect(after.orders - before.orders).toBe(sales.length);
    expect(after.netSalesMinor - before.netSalesMinor).toBe(sales.reduce((s, o) => s + o.netSalesMinor!, 0));

    // A webhook about an imported order after the import (a late orders/updated) updates that row: still one order.
    const late = history.orders.find((o) => o !== live && o.order.customer && o.order.refunds.length === 0 && !o.order.cancelledAt)!;
    const latePayload = webhookShape(late.order as never);
    await deliverOk(app.url, DEV_SHOP, 'orders/updated', {
      ...latePayload,
      id: late.order.id.split('/').pop(),
      updated_at: '2026-12-02T09:00:00Z',
      current_total_price_set: { ...latePayload.total_price_set, presentment_money: latePayload.total_price_set!.shop_money },
      customer: { ...latePayload.customer, id: late.order.customer!.id.split('/').pop() },
    });
    const lateRows = await app.prisma.order.findMany({ where: { shop: DEV_SHOP, orderId: late.order.id } });
    expect(lateRows.map((r) => [Number(r.netSalesMinor), r.sourceUpdatedAt.toISOString()])).toEqual([
      [late.netSalesMinor, '2026-12-02T09:00:00.000Z'],
    ]);
    rows.splice(
      rows.findIndex((r) => r.orderId === late.order.id),
      1,
      ...(await recorded()).filter((r) => r.orderId === late.order.id),
    );
    expect((await summary()).orders).toBe(after.orders);

    // Again: nothing new, nothing changed.
    const again = await imported();
    expect(again.import.status).toBe('done');
    expect(again.import.result).toMatchObject({ orders: 150, recorded: 0, alreadyRecorded: 150 });
    expect(await recorded()).toEqual(rows);
    expect((await summary()).orders).toBe(after.orders);
    expect((await summary()).netSalesMinor).toBe(after.netSalesMinor);
  });

  it('fails with the reason when Shopify’s bulk operation fails, recording nothing', async () => {
    const other = generateHistory({ customers: 3, orders: 5, seed: 7, firstId: 7_200_000_000 });
    app.standin!.control.setOrderHistory(
      DEV_SHOP,
      other.orders.map((o) => o.order),
    );
    app.standin!.control.configureBulk({ failNext: 'ACCESS_DENIED' });
    const { import: failed, seen } = await imported();
    expect(failed.status).toBe('failed');
    expect(failed.result.failure).toBe("Shopify's bulk operation failed (ACCESS_DENIED): no orders were read");
    expect(seen.at(-1)!.done).toBe(0);
    expect(await app.prisma.order.count({ where: { orderId: { in: other.orders.map((o) => o.order.id) } } })).toBe(0);
  });

  it('resumes an interrupted import after the last line it committed', async () => {
    const more = generateHistory({ customers: 5, orders: 12, seed: 99, firstId: 7_300_000_000 });
    const moreIds = more.orders.map((o) => o.order.id);
    app.standin!.control.setOrderHistory(
      DEV_SHOP,
      more.orders.map((o) => o.order),
    );
    const first = await imported();
    expect(first.import.result).toMatchObject({ recorded: 12 });
    // As if the worker had died after committing the first 5 orders: the rest forgotten, the cursor at the 5th order's last line.
    const lines = more.orders
      .slice(0, 5)
      .reduce((n, o) => n + 1 + o.order.lineItems.length + o.order.refunds.reduce((r, f) => r + f.refundLineItems.length, 0), 0);
    await app.prisma.order.deleteMany({ where: { orderId: { in: moreIds.slice(5) } } });
    const { cursor } = await app.prisma.import.findUniqueOrThrow({ where: { id: first.import.id } });
    const { operationId } = cursor as { operationId: string };
    await app.prisma.import.update({
      where: { id: first.import.id },
      data: {
        status: 'running',
        done: 5,
        cursor: { operationId, line: lines },
        result: { orders: 5, recorded: 5, alreadyRecorded: 0, invalid: 0 },
      },
    });
    await runHistoryImport(app.db.prisma, app.admin, first.import.id, { pollMs: 10, wakeMs: 10 });
    const resumed = (await request('GET', `/imports/${first.import.id}`)).body.import;
    expect(resumed.status).toBe('done');
    expect(resumed.progress).toEqual({ done: 12, total: 12 });
    // Only the 7 forgotten orders were read again; the first 5 were not even offered to the database.
    expect(resumed.result).toMatchObject({ orders: 12, recorded: 12, alreadyRecorded: 0 });
    expect(await app.prisma.order.count({ where: { orderId: { in: moreIds } } })).toBe(12);
  });

  it('a run that outwaits its limit leaves the import running for the job’s retry, which finishes it', async () => {
    const slow = generateHistory({ customers: 2, orders: 4, seed: 5, firstId: 7_400_000_000 });
    app.standin!.control.setOrderHistory(
      DEV_SHOP,
      slow.orders.map((o) => o.order),
    );
    app.standin!.control.configureBulk({ stepMs: 600, webhook: null });
    try {
      const created = await app.prisma.import.create({
        data: { shop: DEV_SHOP, kind: 'history', options: { since: '2024-11-01', awardPointsSince: null, preview: false } },
      });
      await expect(runHistoryImport(app.db.prisma, app.admin, created.id, { pollMs: 20, wakeMs: 20, waitMs: 100 })).rejects.toThrow(
        StillRunning,
      );
      const waiting = await app.prisma.import.findUniqueOrThrow({ where: { id: created.id } });
      expect(waiting.status).toBe('running');
      expect(waiting.result).toMatchObject({ waiting: expect.stringContaining('still running') });
      await runHistoryImport(app.db.prisma, app.admin, created.id, { pollMs: 20, wakeMs: 20, waitMs: 10_000 });
      const done = await app.prisma.import.findUniqueOrThrow({ where: { id: created.id } });
      expect(done).toMatchObject({ status: 'done', done: 4, total: 4, result: expect.objectContaining({ recorded: 4, waiting: null }) });
    } finally {
      app.standin!.control.configureBulk({ stepMs: 150, webhook: { appUrl: app.url, secret: DEV_API_SECRET } });
    }
  });

  it('refuses retroactive points in this version', async () => {
    const res = await request('POST', '/imports/history', { since: '2025-01-01', awardPointsSince: '2025-01-01', preview: true });
    expect(res.status).toBe(422);
  });
});
