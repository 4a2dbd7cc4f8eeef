import { describe, expect, it } from 'vitest';
import { awardCalendarRules } from '../../../web/jobs/calendar-rules.js';
import { checkLedger } from '../../../web/loyalty/doctor.js';
import { useTestApp } from '../../helpers/app.js';
import { createMember, shop } from './support.js';

// No worker: the tests run the job's core at chosen times; no schedule may run it meanwhile.
const app = useTestApp({ env: { TALLY_WORKER: 'false' } });

const at = (iso: string) => new Date(iso);
const awards = (memberId: string, ruleId: string) =>
  app.prisma.pointEntry.findMany({
    where: { memberId, sourceId: ruleId, source: 'RULE' },
    orderBy: { createdAt: 'asc' },
    select: { points: true, idempotencyKey: true },
  });

async function addRule(type: string, config: object) {
  const rule = await app.prisma.earnRule.create({ data: { shop, type, name: `${type} rule`, config } });
  app.programs.forget(shop);
  return rule;
}

describe('calendar-rules', () => {
  it('gives birthday points once a year, in the birthday month of the shop time zone', async () => {
    // The demo shop is in Europe/Warsaw: 22:30 UTC on 31 March is already 1 April there.
    const rule = await addRule('birthday', { points: 200 });
    const april = await createMember(app, { birthday: at('1990-04-15') });
    const march = await createMember(app, { birthday: at('1985-03-31') });
    const redacted = await createMember(app, { birthday: at('1991-04-02'), customerId: 'redacted:test-1', redactedAt: at('2029-01-01') });
    const guest = await createMember(app, { birthday: at('1992-04-03'), customerId: 'guest:someone@example.com' });

    const first = await awardCalendarRules(app.prisma, app.programs, at('2030-03-31T22:30:00Z'));
    expect(first.failures).toEqual([]);
    expect(await awards(april.id, rule.id)).toEqual([{ points: 200, idempotencyKey: `birthday:${rule.id}:${april.id}:2030` }]);
    expect(await awards(march.id, rule.id)).toEqual([]);

    // Later the same month, and the same day again: nothing more.
    await awardCalendarRules(app.prisma, app.programs, at('2030-03-31T22:30:00Z'));
    await awardCalendarRules(app.prisma, app.programs, at('2030-04-20T09:00:00Z'));
    expect(await awards(april.id, rule.id)).toHaveLength(1);

    // The next April pays again, boosted by the campaign running then.
    await app.prisma.campaign.create({
      data: {
        shop,
        name: 'Birthday double',
        multiplier: '2',
        startsAt: at('2031-04-01T00:00:00Z'),
        endsAt: at('2031-05-01T00:00:00Z'),
        ruleTypes: ['birthday'],
      },
    });
    app.programs.forget(shop);
    await awardCalendarRules(app.prisma, app.programs, at('2031-04-02T08:00:00Z'));
    expect((await awards(april.id, rule.id)).map((e) => e.points)).toEqual([200, 400]);

    expect(await app.prisma.pointEntry.count({ where: { memberId: { in: [redacted.id, guest.id] } } })).toBe(0);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('gives anniversary points once per anniversary, on the local date it falls', async () => {
    const rule = await addRule('anniversary', { pointsPerYear: 150 });
    // Joined at 23:30 UTC on 10 May = 01:30 on 11 May in Warsaw.
    const member = await createMember(app, { createdAt: at('2034-05-10T23:30:00Z') });
    const newer = await createMember(app, { createdAt: at('2035-01-01T12:00:00Z') });

    await awardCalendarRules(app.prisma, app.programs, at('2035-05-10T12:00:00Z'));
    expect(await awards(member.id, rule.id)).toEqual([]);

    const run = await awardCalendarRules(app.prisma, app.programs, at('2035-05-10T22:30:00Z'));
    expect(run.failures).toEqual([]);
    expect(await awards(member.id, rule.id)).toEqual([{ points: 150, idempotencyKey: `anniversary:${rule.id}:${member.id}:1` }]);

    await awardCalendarRules(app.prisma, app.programs, at('2035-05-10T22:30:00Z'));
    await awardCalendarRules(app.prisma, app.programs, at('2035-09-01T09:00:00Z'));
    expect(await awards(member.id, rule.id)).toHaveLength(1);
    expect(await awards(newer.id, rule.id)).toEqual([]);

    await awardCalendarRules(app.prisma, app.programs, at('2036-05-11T09:00:00Z'));
    expect((await awards(member.id, rule.id)).map((e) => e.idempotencyKey)).toEqual([
      `anniversary:${rule.id}:${member.id}:1`,
      `anniversary:${rule.id}:${member.id}:2`,
    ]);
    expect((await app.prisma.member.findUniqueOrThrow({ where: { id: member.id } })).pointsAvailable).toBe(300);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it("adds the member's VIP tier birthday bonus to the birthday award", async () => {
    const rule = await addRule('birthday', { points: 50 });
    const gold = await app.prisma.tier.findFirstOrThrow({ where: { shop, name: 'Gold' } });
    await app.prisma.tier.update({ where: { id: gold.id }, data: { perks: { ...(gold.perks as object), birthdayBonus: 150 } } });
    app.programs.forget(shop);
    try {
      const vip = await createMember(app, { birthday: at('1988-06-20') });
      await app.prisma.member.update({ where: { id: vip.id }, data: { tierId: gold.id, tierReachedAt: at('2031-01-01') } });
      const plain = await createMember(app, { birthday: at('1989-06-21') });
      const result = await awardCalendarRules(app.prisma, app.programs, at('2031-06-10T12:00:00Z'));
      expect(result.failures).toEqual([]);
      expect((await awards(vip.id, rule.id)).map((a) => a.points)).toEqual([200]);
      expect((await awards(plain.id, rule.id)).map((a) => a.points)).toEqual([50]);
    } finally {
      await app.prisma.tier.update({ where: { id: gold.id }, data: { perks: gold.perks as object } });
      app.programs.forget(shop);
    }
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });
});
