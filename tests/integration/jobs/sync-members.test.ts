import { describe, expect, it } from 'vitest';
import { jobDefinitions } from '../../../web/jobs/definitions.js';
import { MEMBER_METAFIELD_NAMESPACE, MEMBERS_PER_CALL, syncMembers } from '../../../web/jobs/sync-members.js';
import { checkLedger } from '../../../web/loyalty/doctor.js';
import { applyTierEdit } from '../../../web/loyalty/tier-edits.js';
import { tierSetup } from '../../../web/loyalty/tiers.js';
import type { AdminClient } from '../../../web/shopify/admin.js';
import { useTestApp } from '../../helpers/app.js';
import { balances, createMember, credit, shop } from './support.js';

// No worker: the every-minute schedule would sync behind the tests' back.
const app = useTestApp({ env: { TALLY_WORKER: 'false' }, resetStandin: true });

const standin = () => app.standin!;
const setCalls = () => standin().state.requests.filter((r) => r.fields.includes('metafieldsSet'));
const tagCalls = () => standin().state.requests.filter((r) => r.fields.includes('tagsAdd') || r.fields.includes('tagsRemove'));
const pointsIn = (customerId: string) =>
  Object.fromEntries(
    standin()
      .state.metafields(shop, customerId)
      .filter((m) => m.namespace === MEMBER_METAFIELD_NAMESPACE)
      .map((m) => [m.key, m.value]),
  );
const unsynced = () => app.prisma.$queryRaw<Array<{ id: string }>>`
  SELECT id FROM "Member" WHERE shop = ${shop} AND "balanceVersion" > "syncedVersion" AND "redactedAt" IS NULL AND "customerId" LIKE 'gid://shopify/Customer/%'`;

/** A member with points who is not yet synced (the earn bumps balanceVersion). */
async function changedMember(points = 120) {
  const member = await createMember(app);
  await credit(app, member.id, points, new Date());
  return member;
}

describe('sync-members-to-shopify', () => {
  it("writes every changed member's points and tier as app-owned metafields, and the tier's tag, several members per call", async () => {
    const pending = await unsynced();
    expect(pending.length).toBeGreaterThan(MEMBERS_PER_CALL); // the seeded members

    const result = await syncMembers(app.prisma, app.admin, new Date(), 500);
    expect(result).toMatchObject({ synced: pending.length, refused: [], failures: [], more: false });
    // Every seeded member holds a tier never tagged yet: one tags call per metafields call.
    const groups = Math.ceil(pending.length / MEMBERS_PER_CALL);
    expect(setCalls()).toHaveLength(groups);
    expect(tagCalls()).toHaveLength(groups);
    expect(result.calls).toBe(2 * groups);
    expect([...setCalls(), ...tagCalls()].every((c) => c.outcome === 'ok')).toBe(true);
    expect((setCalls()[0]!.variables.metafields as unknown[]).length).toBe(MEMBERS_PER_CALL * 4);

    const sample = await app.prisma.member.findFirstOrThrow({ where: { shop, pointsAvailable: { gt: 0 }, pointsPending: { gt: 0 } } });
    const tier = await app.prisma.tier.findUniqueOrThrow({ where: { id: sample.tierId! } });
    const records = standin().state.metafields(shop, sample.customerId);
    expect(
      records.map((m) => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value })).sort((a, b) => a.key.localeCompare(b.key)),
    ).toEqual([
      { namespace: '$app:tally', key: 'lifetime_earned', type: 'number_integer', value: String(sample.lifetimeEarned) },
      { namespace: '$app:tally', key: 'points_available', type: 'number_integer', value: String(sample.pointsAvailable) },
      { namespace: '$app:tally', key: 'points_pending', type: 'number_integer', value: String(sample.pointsPending) },
      { namespace: '$app:tally', key: 'tier', type: 'single_line_text_field', value: tier.name },
    ]);
    expect(standin().state.tags(shop, sample.customerId)).toEqual([`Tally ${tier.name}`]);
    expect(await unsynced()).toEqual([]);

    // Nothing changed: nothing sent.
    expect(await syncMembers(app.prisma, app.admin, new Date(), 500)).toMatchObject({ synced: 0, calls: 0 });
    expect(setCalls()).toHaveLength(groups);

    // A new tier moves the tag: the old one goes, the new one comes, other tags stay.
    const gold = await app.prisma.tier.findFirstOrThrow({ where: { shop, name: 'Gold' } });
    standin().control.upsertCustomer(shop, { id: sample.customerId, tags: ['wholesale'] });
    await app.prisma.member.update({
      where: { id: sample.id },
      data: { tierId: gold.id, tierReachedAt: new Date(), balanceVersion: { increment: 1 } },
    });
    expect(await syncMembers(app.prisma, app.admin, new Date(), 500)).toMatchObject({ synced: 1, calls: 2, refused: [] });
    expect(standin().state.tags(shop, sample.customerId).sort()).toEqual(['Tally Gold', 'wholesale']);

    // The merchant renames Gold's tag: the member's tier does not move, but the old tag goes and the new one comes.
    const program = (await app.programs.get(shop))!;
    const renamed = {
      ...tierSetup(program),
      tiers: program.tiers.map((t) => (t.id === gold.id ? { ...t, perks: { ...t.perks, tag: 'VIP Gold' } } : t)),
    };
    await app.prisma.$transaction((tx) => applyTierEdit(tx, renamed, 'test'));
    app.programs.forget(shop);
    expect(await syncMembers(app.prisma, app.admin, new Date(), 500)).toMatchObject({ refused: [], failures: [] });
    expect(standin().state.tags(shop, sample.customerId).sort()).toEqual(['VIP Gold', 'wholesale']);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('works through a backlog in runs of `limit` members', async () => {
    const members = await Promise.all(Array.from({ length: 5 }, () => changedMember()));
    const first = await syncMembers(app.prisma, app.admin, new Date(), 3);
    expect(first).toMatchObject({ synced: 3, calls: 1, more: true });
    const second = await syncMembers(app.prisma, app.admin, new Date(), 3);
    expect(second).toMatchObject({ synced: 2, calls: 1, more: false });
    for (const m of members) expect(pointsIn(m.customerId)).toMatchObject({ points_available: '120' });
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('never sends redacted members or guests', async () => {
    const guest = await createMember(app, { customerId: 'guest:walk-in@example.com' });
    const redacted = await createMember(app, { customerId: 'redacted:sync-test', redactedAt: new Date() });
    await credit(app, guest.id, 10, new Date());
    await credit(app, redacted.id, 10, new Date());
    const result = await syncMembers(app.prisma, app.admin, new Date(), 500);
    expect(result).toMatchObject({ synced: 0, calls: 0 });
    expect(setCalls()).toEqual([]);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('survives a THROTTLED answer: the call is retried after the bucket refills', async () => {
    const member = await changedMember(75);
    standin().control.failNext('throttled', { field: 'metafieldsSet' });
    const result = await syncMembers(app.prisma, app.admin, new Date(), 500);
    expect(result).toMatchObject({ synced: 1, calls: 1, failures: [] });
    expect(setCalls().map((c) => c.outcome)).toEqual(['fault:throttled', 'ok']);
    expect(pointsIn(member.customerId)).toMatchObject({ points_available: '75' });
    expect(await unsynced()).toEqual([]);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('survives a 503 (metafieldsSet is idempotent, so it is sent again)', async () => {
    const member = await changedMember(60);
    standin().control.failNext('http503', { field: 'metafieldsSet', afterExecute: true });
    const result = await syncMembers(app.prisma, app.admin, new Date(), 500);
    expect(result).toMatchObject({ synced: 1, calls: 1, failures: [] });
    expect(setCalls().map((c) => c.outcome)).toEqual(['fault:http503:after', 'ok']);
    expect(pointsIn(member.customerId)).toMatchObject({ points_available: '60' });
    expect(await unsynced()).toEqual([]);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('leaves members unsynced when Shopify keeps failing, fails the job so pg-boss retries, and syncs on the next run', async () => {
    const member = await changedMember(33);
    standin().control.failNext('http503', { field: 'metafieldsSet', count: 3 });
    const failed = await syncMembers(app.prisma, app.admin, new Date(), 500);
    expect(failed).toMatchObject({ synced: 0, failures: [{ shop, id: 'metafieldsSet' }] });
    expect((await unsynced()).map((m) => m.id)).toEqual([member.id]);
    expect(pointsIn(member.customerId)).toEqual({});

    standin().control.failNext('http503', { field: 'metafieldsSet', count: 3 });
    const job = jobDefinitions['sync-members-to-shopify'];
    await expect(job.run({}, { prisma: app.prisma, logger: app.logger, programs: app.programs, admin: app.admin })).rejects.toThrow(
      /1 item\(s\) failed/,
    );
    expect((await unsynced()).map((m) => m.id)).toEqual([member.id]);

    await job.run({}, { prisma: app.prisma, logger: app.logger, programs: app.programs, admin: app.admin });
    expect(pointsIn(member.customerId)).toMatchObject({ points_available: '33' });
    expect(await unsynced()).toEqual([]);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('syncs a member again on the next run when their points changed during a sync', async () => {
    const member = await changedMember(100);
    // The member earns more while the write to Shopify is in flight.
    const racing: AdminClient = {
      async request(...args) {
        await credit(app, member.id, 5, new Date());
        return app.admin.request(...args);
      },
    };
    const first = await syncMembers(app.prisma, racing, new Date(), 500);
    expect(first).toMatchObject({ synced: 1, failures: [] });
    expect(pointsIn(member.customerId)).toMatchObject({ points_available: '100' });
    const stale = await balances(app, member.id);
    expect(stale.syncedVersion).toBeLessThan(stale.balanceVersion);

    await syncMembers(app.prisma, app.admin, new Date(), 500);
    expect(pointsIn(member.customerId)).toMatchObject({ points_available: '105', lifetime_earned: '105' });
    const synced = await balances(app, member.id);
    expect(synced.syncedVersion).toBe(synced.balanceVersion);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('sends the rest again without a member Shopify refuses, and does not retry the refused one', async () => {
    const [ok, refused] = [await changedMember(11), await changedMember(22)];
    standin().control.failNext('userErrors', {
      field: 'metafieldsSet',
      userError: { field: ['metafields', '3', 'ownerId'], message: 'Owner does not exist.', code: 'INVALID_VALUE', elementIndex: 3 },
    });
    const result = await syncMembers(app.prisma, app.admin, new Date(), 500);
    expect(result).toMatchObject({ synced: 1, calls: 2, failures: [] });
    expect(result.refused).toEqual([
      { shop, memberId: refused.id, customerId: refused.customerId, errors: ['metafields.3.ownerId: Owner does not exist.'] },
    ]);
    expect(pointsIn(ok.customerId)).toMatchObject({ points_available: '11' });
    expect(pointsIn(refused.customerId)).toEqual({});
    expect(await unsynced()).toEqual([]);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });
});
