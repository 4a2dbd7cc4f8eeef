import { beforeAll, describe, expect, it } from 'vitest';
import { EXPIRING_SOON, expirePoints } from '../../../web/jobs/expire-points.js';
import { checkLedger } from '../../../web/loyalty/doctor.js';
import { creditExpiresAt } from '../../../web/loyalty/domain/program.js';
import { useTestApp } from '../../helpers/app.js';
import { balances, createMember, credit, deduct, shop, spend, updateSettings } from './support.js';

// No worker: the tests run the job's core at chosen times; no schedule may run it meanwhile.
const app = useTestApp({ env: { TALLY_WORKER: 'false' } });

const at = (iso: string) => new Date(iso);
const expiries = (memberId: string) =>
  app.prisma.pointEntry.findMany({ where: { memberId, kind: 'EXPIRE' }, orderBy: { createdAt: 'asc' } });
const notices = (memberId: string) =>
  app.prisma.event.findMany({ where: { shop, memberId, type: EXPIRING_SOON }, orderBy: { createdAt: 'asc' } });

describe('expire-points, after earning (FIFO)', () => {
  const policy = { kind: 'after-earning', months: 12 } as const;
  const earned = (memberId: string, points: number, when: string) =>
    credit(app, memberId, points, at(when), creditExpiresAt(at(when), policy));

  beforeAll(async () => {
    await updateSettings(app, { expiry: policy, expiringSoonDays: 14 });
  });

  it('expires credits when due, counting what the member already spent against the oldest credits first', async () => {
    const member = await createMember(app);
    await earned(member.id, 100, '2030-01-01T10:00:00Z'); // expires 2031-01-01
    await spend(app, member.id, 30, at('2030-03-01T10:00:00Z'));
    await deduct(app, member.id, 10, at('2030-04-01T10:00:00Z'));
    await earned(member.id, 50, '2030-06-01T10:00:00Z'); // expires 2031-06-01
    expect((await balances(app, member.id)).pointsAvailable).toBe(110);

    const first = await expirePoints(app.prisma, app.programs, at('2031-01-02T03:00:00Z'));
    expect(first.failures).toEqual([]);
    // 100 due, of which 30 were redeemed and 10 taken by an adjustment: 60 expire, the newer 50 stay.
    expect((await balances(app, member.id)).pointsAvailable).toBe(50);
    expect(await expiries(member.id)).toMatchObject([
      { points: -60, idempotencyKey: `expire:${member.id}:2031-01-02`, status: 'AVAILABLE' },
    ]);

    // The same day again, the next day: nothing more.
    await expirePoints(app.prisma, app.programs, at('2031-01-02T03:00:00Z'));
    await expirePoints(app.prisma, app.programs, at('2031-01-03T03:00:00Z'));
    expect(await expiries(member.id)).toHaveLength(1);
    expect((await balances(app, member.id)).pointsAvailable).toBe(50);

    // Then the second credit, exactly.
    await expirePoints(app.prisma, app.programs, at('2031-06-02T03:00:00Z'));
    expect((await expiries(member.id)).map((e) => e.points)).toEqual([-60, -50]);
    const after = await balances(app, member.id);
    expect(after).toMatchObject({ pointsAvailable: 0, lifetimeEarned: 150, lifetimeRedeemed: 30 });
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('expires nothing of a member who spent more than the due credits', async () => {
    const member = await createMember(app);
    await earned(member.id, 40, '2030-02-01T10:00:00Z');
    await earned(member.id, 60, '2030-05-01T10:00:00Z');
    await spend(app, member.id, 45, at('2030-06-01T10:00:00Z'));
    await expirePoints(app.prisma, app.programs, at('2031-02-02T03:00:00Z'));
    expect(await expiries(member.id)).toEqual([]);
    expect((await balances(app, member.id)).pointsAvailable).toBe(55);
    // The 60 then lose only what the redemption did not already use: 55.
    await expirePoints(app.prisma, app.programs, at('2031-05-02T03:00:00Z'));
    expect((await expiries(member.id)).map((e) => e.points)).toEqual([-55]);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('warns once per expiry date, ahead by expiringSoonDays, with the amount and the shop-local date', async () => {
    const member = await createMember(app);
    await earned(member.id, 80, '2032-03-10T23:30:00Z'); // expires 2033-03-10T23:30Z, already the 11th in Warsaw
    await earned(member.id, 20, '2032-03-20T12:00:00Z'); // expires 2033-03-20
    await spend(app, member.id, 5, at('2032-04-01T12:00:00Z'));

    await expirePoints(app.prisma, app.programs, at('2033-02-20T03:00:00Z')); // window to 03-06: nothing yet
    expect(await notices(member.id)).toEqual([]);

    await expirePoints(app.prisma, app.programs, at('2033-03-01T03:00:00Z')); // window to 03-15
    await expirePoints(app.prisma, app.programs, at('2033-03-02T03:00:00Z'));
    expect((await notices(member.id)).map((e) => e.data)).toEqual([
      { points: 75, expiresOn: '2033-03-11', expiresAt: '2033-03-10T23:30:00.000Z', policy: 'after-earning' },
    ]);

    await expirePoints(app.prisma, app.programs, at('2033-03-08T03:00:00Z')); // window to 03-22: the second date too
    expect((await notices(member.id)).map((e) => e.data)).toEqual([
      { points: 75, expiresOn: '2033-03-11', expiresAt: '2033-03-10T23:30:00.000Z', policy: 'after-earning' },
      { points: 20, expiresOn: '2033-03-20', expiresAt: '2033-03-20T12:00:00.000Z', policy: 'after-earning' },
    ]);
    expect(await expiries(member.id)).toEqual([]);

    await expirePoints(app.prisma, app.programs, at('2033-03-11T03:00:00Z'));
    expect((await expiries(member.id)).map((e) => e.points)).toEqual([-75]);
    expect(await notices(member.id)).toHaveLength(2);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });
});

describe('expire-points, after inactivity', () => {
  beforeAll(async () => {
    await updateSettings(app, { expiry: { kind: 'after-inactivity', months: 6 }, expiringSoonDays: 14 });
  });

  it('expires the whole balance of a member inactive for the limit, warns once before, and leaves active members alone', async () => {
    const idle = await createMember(app, { createdAt: at('2034-01-01T00:00:00Z') });
    const active = await createMember(app, { createdAt: at('2034-01-01T00:00:00Z') });
    await credit(app, idle.id, 100, at('2034-01-01T10:00:00Z'));
    await credit(app, idle.id, 40, at('2034-01-05T10:00:00Z')); // last activity: expires 2034-07-05T10:00Z
    await credit(app, active.id, 70, at('2034-01-01T10:00:00Z'));
    await spend(app, active.id, 10, at('2034-05-01T10:00:00Z'));

    await expirePoints(app.prisma, app.programs, at('2034-06-25T03:00:00Z'));
    await expirePoints(app.prisma, app.programs, at('2034-06-26T03:00:00Z'));
    expect((await notices(idle.id)).map((e) => e.data)).toEqual([
      { points: 140, expiresOn: '2034-07-05', expiresAt: '2034-07-05T10:00:00.000Z', policy: 'after-inactivity' },
    ]);
    expect(await notices(active.id)).toEqual([]);
    expect(await expiries(idle.id)).toEqual([]);

    const run = await expirePoints(app.prisma, app.programs, at('2034-07-06T03:00:00Z'));
    expect(run.failures).toEqual([]);
    expect((await expiries(idle.id)).map((e) => e.points)).toEqual([-140]);
    expect((await balances(app, idle.id)).pointsAvailable).toBe(0);
    expect((await balances(app, active.id)).pointsAvailable).toBe(60);

    await expirePoints(app.prisma, app.programs, at('2034-07-06T03:00:00Z'));
    await expirePoints(app.prisma, app.programs, at('2034-07-07T03:00:00Z'));
    expect(await expiries(idle.id)).toHaveLength(1);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('expires nothing when the policy is never', async () => {
    await updateSettings(app, { expiry: { kind: 'never' } });
    const member = await createMember(app);
    await credit(app, member.id, 25, at('2020-01-01T10:00:00Z'));
    const run = await expirePoints(app.prisma, app.programs, at('2040-01-01T03:00:00Z'));
    expect(run).toMatchObject({ members: 0, points: 0, notices: 0 });
    expect((await balances(app, member.id)).pointsAvailable).toBe(25);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });
});
