import { describe, expect, it } from 'vitest';
import { releaseDuePoints } from '../../../web/jobs/release-pending-points.js';
import { checkLedger } from '../../../web/loyalty/doctor.js';
import { useTestApp } from '../../helpers/app.js';
import { balances, shop } from './support.js';

const app = useTestApp();

/** The seeded order whose points are released next, with what it holds pending. */
async function nextDueOrder() {
  const order = await app.prisma.order.findFirstOrThrow({
    where: { shop, pointsReleasedAt: null, pointsAvailableAt: { not: null }, earnBaseMinor: { not: null }, memberId: { not: null } },
    orderBy: { pointsAvailableAt: 'asc' },
  });
  const pending = await app.prisma.pointEntry.aggregate({
    where: { shop, orderId: order.orderId, status: 'PENDING' },
    _sum: { points: true },
  });
  return { order, memberId: order.memberId!, dueAt: order.pointsAvailableAt!, pending: pending._sum.points ?? 0 };
}

describe('release-pending-points', () => {
  it('releases an order at its due time, not a millisecond before, and only once', async () => {
    const { order, memberId, dueAt, pending } = await nextDueOrder();
    expect(pending).toBeGreaterThan(0);
    const before = await balances(app, memberId);

    const early = await releaseDuePoints(app.prisma, new Date(dueAt.getTime() - 1));
    expect(early).toMatchObject({ orders: 0, points: 0, failures: [] });
    expect(await balances(app, memberId)).toEqual(before);

    const due = await releaseDuePoints(app.prisma, dueAt);
    expect(due.failures).toEqual([]);
    expect(due.orders).toBeGreaterThanOrEqual(1);
    const after = await balances(app, memberId);
    expect(after.pointsAvailable - before.pointsAvailable).toBe(pending);
    expect(before.pointsPending - after.pointsPending).toBe(pending);
    const released = await app.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(released.pointsReleasedAt).toEqual(dueAt);
    expect(await app.prisma.pointEntry.count({ where: { shop, orderId: order.orderId, status: 'PENDING' } })).toBe(0);

    const again = await releaseDuePoints(app.prisma, dueAt);
    expect(again).toMatchObject({ orders: 0, points: 0 });
    expect(await balances(app, memberId)).toEqual(after);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('releases every order that is due in one run and leaves later ones pending', async () => {
    const pendingOrders = await app.prisma.order.findMany({
      where: { shop, pointsReleasedAt: null, pointsAvailableAt: { not: null }, earnBaseMinor: { not: null } },
      orderBy: { pointsAvailableAt: 'asc' },
    });
    expect(pendingOrders.length).toBeGreaterThanOrEqual(2);
    const last = pendingOrders[pendingOrders.length - 1]!;
    const cutoff = new Date(last.pointsAvailableAt!.getTime() - 1);
    const dueCount = pendingOrders.filter((o) => o.pointsAvailableAt! <= cutoff).length;

    const result = await releaseDuePoints(app.prisma, cutoff);
    expect(result).toMatchObject({ orders: dueCount, failures: [] });
    expect(await app.prisma.order.count({ where: { shop, pointsReleasedAt: null, pointsAvailableAt: { lte: cutoff } } })).toBe(0);
    expect(await app.prisma.order.findUniqueOrThrow({ where: { id: last.id } })).toMatchObject({ pointsReleasedAt: null });
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('runs as a pg-boss job: an enqueued release makes due points available', async () => {
    const { order, memberId, pending } = await nextDueOrder();
    // Shorten the holding period so the order is due by the wall clock the job uses.
    await app.prisma.order.update({ where: { id: order.id }, data: { pointsAvailableAt: new Date(Date.now() - 1000) } });
    const before = await balances(app, memberId);
    await app.jobs.enqueue('release-pending-points', {});
    const deadline = Date.now() + 30_000;
    while ((await app.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).pointsReleasedAt === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const after = await balances(app, memberId);
    expect(after.pointsAvailable - before.pointsAvailable).toBe(pending);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });
});
