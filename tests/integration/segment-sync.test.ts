// Segment membership (SegmentMember) and its Shopify sync (issue 17): who is
// in each segment, kept current set-based by the refresh and every save; for a
// segment marked syncToShopify, the tag tally-segment:<handle> added to
// members who joined and removed from those who left, and a Shopify customer
// segment created once — through the real job queue, against the Admin API
// stand-in (which validates every document against the 2026-10 schema).
import { beforeAll, describe, expect, it } from 'vitest';
import { syncMembers } from '../../web/jobs/sync-members.js';
import { recomputeRfm } from '../../web/segments/rfm.js';
import { refreshMemberships } from '../../web/segments/membership.js';
import { CUSTOMERS_PER_CALL, syncSegmentTags } from '../../web/segments/shopify-sync.js';
import type { AdminClient } from '../../web/shopify/admin.js';
import { adminApi } from '../helpers/admin.js';
import { useTestApp } from '../helpers/app.js';
import { createMember, shop } from './jobs/support.js';

const app = useTestApp({ resetStandin: true });
const api = () => adminApi(app.url, shop);
const standin = () => app.standin!;

async function waitFor<T>(what: string, read: () => Promise<T> | T, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Members of the shop in `country` (the test's own members: seeded ones have other countries or none). */
async function membersIn(country: string, n: number) {
  const made: Array<{ id: string; customerId: string }> = [];
  for (let i = 0; i < n; i++) {
    const m = await createMember(app);
    await app.db.pool.query(`UPDATE "Member" SET "countryCode" = $2 WHERE id = $1`, [m.id, country]);
    made.push(m);
  }
  return made;
}
const setCountry = (id: string, country: string) =>
  app.db.pool.query(`UPDATE "Member" SET "countryCode" = $2 WHERE id = $1`, [id, country]);

const rows = async (segmentId: string) =>
  (
    await app.db.pool.query<{ memberId: string; taggedAt: Date | null }>(
      `SELECT "memberId", "taggedAt" FROM "SegmentMember" WHERE shop = $1 AND "segmentId" = $2 ORDER BY "memberId"`,
      [shop, segmentId],
    )
  ).rows;
const ids = (list: Array<{ id: string }>) => list.map((m) => m.id).sort();
const tagsOf = (customerId: string) => standin().state.tags(shop, customerId);
/** The stand-in's log of the sync's own calls (the member sync's tier tags use tagsAdd too). */
const calls = (field: string) =>
  standin().state.requests.filter(
    (r) => r.fields.includes(field) && ['AddSegmentTags', 'RemoveSegmentTags', 'SegmentCreate'].includes(r.operationName ?? ''),
  );

// The member sync's first run (the seeded members' tier tags) done before the tests, so its tagsAdd calls
// never take a fault armed for the segment sync's.
beforeAll(async () => {
  while ((await syncMembers(app.prisma, app.admin, new Date(), 500)).synced > 0);
});

describe('segment membership (SegmentMember)', () => {
  it('a rule segment keeps exactly its members: set on save, joiners added and leavers removed by the refresh', async () => {
    const inIceland = await membersIn('IS', 4);
    const created = await api()('POST', '/segments', { name: 'Iceland', rules: { all: [{ field: 'country', op: 'eq', value: 'IS' }] } });
    expect(created.status, created.text).toBe(201);
    const id = created.body.segment.id as string;
    // The save computed the members already.
    expect((await rows(id)).map((r) => r.memberId)).toEqual(ids(inIceland));

    const [leaver, stayer] = inIceland;
    await setCountry(leaver!.id, 'NO');
    const [joiner] = await membersIn('IS', 1);
    const changes = await refreshMemberships(app.db.pool, shop);
    expect(changes.find((c) => c.segmentId === id)).toEqual({ segmentId: id, joined: 1, left: 1 });
    expect((await rows(id)).map((r) => r.memberId)).toEqual(ids([...inIceland.slice(1), joiner!]));
    // Not synced: a leaver leaves nothing behind for Shopify.
    expect(await rows('untag:iceland')).toEqual([]);
    // A member who stays keeps the date they joined.
    const since = async () =>
      (
        await app.db.pool.query<{ since: Date }>(`SELECT since FROM "SegmentMember" WHERE "segmentId" = $1 AND "memberId" = $2`, [
          id,
          stayer!.id,
        ])
      ).rows[0]!.since.getTime();
    const first = await since();
    await refreshMemberships(app.db.pool, shop, { segmentId: id });
    expect(await since()).toBe(first);
    // The member page lists the segment.
    const page = await api()('GET', `/members/${stayer!.id}/segments`);
    expect(page.status).toBe(200);
    expect(page.body.segments).toEqual([
      expect.objectContaining({ id, handle: 'iceland', name: 'Iceland', kind: 'rules', taggedAt: null }),
    ]);
    expect((await api()('DELETE', `/segments/${id}`)).status).toBe(204);
    expect(await rows(id)).toEqual([]);
  });

  it('the eleven RFM segments: every scored member in the one CustomerRfm gives, moved when their segment changes', async () => {
    const [buyer] = await membersIn('IS', 1);
    await app.db.pool.query(
      `INSERT INTO "Order" (id, shop, "orderId", name, "currencyCode", "totalMinor", "processedAt", "sourceUpdatedAt", "updatedAt",
                            "customerKey", "paidAt", "netSalesMinor")
       VALUES ('seg-sync-o1', $1, 'gid://shopify/Order/880001', '#880001', 'USD', 5000, now() - interval '1 day', now(), now(), $2, now(), 5000)`,
      [shop, buyer!.customerId],
    );
    await recomputeRfm(app.db.pool, shop);
    await refreshMemberships(app.db.pool, shop);
    const expected = await app.db.pool.query<{ seg: string; id: string }>(
      `SELECT 'rfm:' || x.segment AS seg, m.id FROM "CustomerRfm" x JOIN "Member" m ON m.shop = x.shop AND m."customerId" = x."customerKey"
       WHERE x.shop = $1 AND m."redactedAt" IS NULL AND m."customerId" NOT LIKE 'guest:%' ORDER BY 1, 2`,
      [shop],
    );
    const actual = await app.db.pool.query<{ seg: string; id: string }>(
      `SELECT "segmentId" AS seg, "memberId" AS id FROM "SegmentMember" WHERE shop = $1 AND "segmentId" LIKE 'rfm:%' ORDER BY 1, 2`,
      [shop],
    );
    expect(expected.rows.length).toBeGreaterThan(1);
    expect(actual.rows).toEqual(expected.rows);
    // The buyer's segment moves: the old row goes, the new one comes.
    const before = actual.rows.find((r) => r.id === buyer!.id)!.seg;
    await app.db.pool.query(`UPDATE "CustomerRfm" SET segment = 'lost' WHERE shop = $1 AND "customerKey" = $2`, [shop, buyer!.customerId]);
    await refreshMemberships(app.db.pool, shop);
    const now = await app.db.pool.query<{ seg: string }>(
      `SELECT "segmentId" AS seg FROM "SegmentMember" WHERE "memberId" = $1 AND "segmentId" LIKE 'rfm:%'`,
      [buyer!.id],
    );
    expect(before).not.toBe('rfm:lost');
    expect(now.rows).toEqual([{ seg: 'rfm:lost' }]);
    const page = await api()('GET', `/members/${buyer!.id}/segments`);
    expect(page.body.rfm).toMatchObject({ segment: 'lost', name: 'Lost' });
    expect(page.body.segments).toEqual([expect.objectContaining({ id: 'rfm:lost', kind: 'rfm', name: 'Lost' })]);
  });
});

describe('Shopify sync of a segment (tags and a customer segment)', () => {
  it('tags the members, creates the Shopify segment once, and moves the tag as members join and leave', async () => {
    const members = await membersIn('FO', CUSTOMERS_PER_CALL + 3); // more than one call's worth
    standin().control.upsertCustomer(shop, { id: members[0]!.customerId, tags: ['wholesale'] });
    const created = await api()('POST', '/segments', {
      name: 'Faroe',
      rules: { all: [{ field: 'country', op: 'eq', value: 'FO' }] },
      syncToShopify: true,
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.segment.id as string;
    const tag = 'tally-segment:faroe';

    // The save sent the sync job: every member tagged, each confirmed.
    await waitFor(
      'tags confirmed',
      () => rows(id),
      (r) => r.length === members.length && r.every((x) => x.taggedAt),
    );
    for (const m of members) expect(tagsOf(m.customerId), m.customerId).toContain(tag);
    expect(tagsOf(members[0]!.customerId).sort()).toEqual([tag, 'wholesale']);
    expect(calls('tagsAdd').filter((c) => c.outcome === 'ok')).toHaveLength(2);
    const segments = standin().state.segments(shop);
    expect(segments).toEqual([expect.objectContaining({ name: 'Tally: Faroe', query: "customer_tags CONTAINS 'tally-segment:faroe'" })]);
    const stored = await app.prisma.segment.findUniqueOrThrow({ where: { id } });
    expect(stored.shopifySegmentId).toBe(segments[0]!.id);

    // One leaves, one joins; the admin's refresh (the real job) recomputes and syncs.
    const [leaver] = members;
    await setCountry(leaver!.id, 'DK');
    const [joiner] = await membersIn('FO', 1);
    expect((await api()('POST', '/segments/refresh', {})).status).toBe(202);
    await waitFor(
      'the leaver untagged',
      () => tagsOf(leaver!.customerId),
      (t) => !t.includes(tag),
    );
    expect(tagsOf(leaver!.customerId)).toEqual(['wholesale']);
    await waitFor(
      'the joiner tagged',
      () => tagsOf(joiner!.customerId),
      (t) => t.includes(tag),
    );
    await waitFor(
      'nothing left to remove',
      () => rows('untag:faroe'),
      (r) => r.length === 0,
    );
    await waitFor(
      'the joiner confirmed',
      () => rows(id),
      (r) => r.length === members.length && r.every((x) => x.taggedAt),
    );
    // The Shopify segment was made once, whatever ran since.
    expect(calls('segmentCreate')).toHaveLength(1);
    expect(standin().state.segments(shop)).toHaveLength(1);

    // Sync switched off: the tags come off; the member rows stay, unconfirmed.
    const off = await api()('PUT', `/segments/${id}`, { syncToShopify: false });
    expect(off.status).toBe(200);
    await waitFor(
      'every tag removed',
      () => rows('untag:faroe'),
      (r) => r.length === 0,
      60_000,
    );
    await waitFor(
      'tags gone in Shopify',
      () => members.slice(1).map((m) => tagsOf(m.customerId)),
      (t) => t.every((x) => !x.includes(tag)),
    );
    expect((await rows(id)).every((r) => r.taggedAt === null)).toBe(true);
  });

  it('a failed call fails the job and pg-boss retries it: no tag change is lost', async () => {
    const members = await membersIn('GL', 3);
    // Shopify answers 503 to the first tagsAdd: the client does not resend a mutation that may have applied; the job fails.
    standin().control.failNext('http503', { field: 'tagsAdd', count: 1 });
    const created = await api()('POST', '/segments', {
      name: 'Greenland',
      rules: { all: [{ field: 'country', op: 'eq', value: 'GL' }] },
      syncToShopify: true,
    });
    const id = created.body.segment.id as string;
    await waitFor(
      'tags confirmed after the retry',
      () => rows(id),
      (r) => r.length === 3 && r.every((x) => x.taggedAt),
      90_000,
    );
    for (const m of members) expect(tagsOf(m.customerId)).toContain('tally-segment:greenland');
    const outcomes = calls('tagsAdd').map((c) => c.outcome);
    expect(outcomes[0]).toBe('fault:http503');
    expect(outcomes.slice(1)).toContain('ok');
    // Tags Shopify refuses (userErrors: the stand-in refuses every tagsAdd of the call) stay unconfirmed for the next run.
    const later = await membersIn('GL', 3);
    standin().control.failNext('userErrors', {
      field: 'tagsAdd',
      count: 1,
      userError: { field: ['id'], message: 'Resource does not exist' },
    });
    await refreshMemberships(app.db.pool, shop, { segmentId: id });
    const result = await syncSegmentTags({ pool: app.db.pool, admin: app.admin }, shop);
    expect(result.refused.map((r) => r.customerId).sort()).toEqual(later.map((m) => m.customerId).sort());
    expect((await rows(id)).filter((r) => !r.taggedAt).map((r) => r.memberId)).toEqual(ids(later));
    await syncSegmentTags({ pool: app.db.pool, admin: app.admin }, shop);
    expect((await rows(id)).every((r) => r.taggedAt)).toBe(true);
  });

  it('an RFM segment syncs by its handle; a lost segmentCreate answer is found by name, not made twice', async () => {
    await recomputeRfm(app.db.pool, shop);
    await refreshMemberships(app.db.pool, shop);
    const { rows: members } = await app.db.pool.query<{ memberId: string; customerId: string }>(
      `SELECT sm."memberId", m."customerId" FROM "SegmentMember" sm JOIN "Member" m ON m.id = sm."memberId"
       WHERE sm.shop = $1 AND sm."segmentId" = 'rfm:lost' AND m."customerId" LIKE 'gid://shopify/Customer/%'`,
      [shop],
    );
    expect(members.length).toBeGreaterThan(0);
    // Shopify makes the segment but its answer is lost (503 after executing): the job fails and is retried.
    standin().control.failNext('http503', { field: 'segmentCreate', afterExecute: true });
    const res = await api()('PUT', '/segments/rfm:lost', { syncToShopify: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body.segment).toMatchObject({ id: 'rfm:lost', kind: 'rfm', syncToShopify: true });
    await waitFor(
      'the RFM segment tagged',
      () => rows('rfm:lost'),
      (r) => r.length === members.length && r.every((x) => x.taggedAt),
      90_000,
    );
    for (const m of members) expect(tagsOf(m.customerId)).toContain('tally-segment:lost');
    const made = standin()
      .state.segments(shop)
      .filter((s) => s.name === 'Tally: Lost');
    expect(made).toEqual([expect.objectContaining({ query: "customer_tags CONTAINS 'tally-segment:lost'" })]);
    expect(calls('segmentCreate').map((c) => c.outcome)).toEqual(['fault:http503:after', 'ok']);
    const listed = (await api()('GET', '/segments')).body.segments.find((s: { id: string }) => s.id === 'rfm:lost');
    expect(listed).toMatchObject({ syncToShopify: true, shopifySegmentId: made[0]!.id });
    // A member page shows the confirmed tag.
    const page = await api()('GET', `/members/${members[0]!.memberId}/segments`);
    expect(page.body.segments).toContainEqual(
      expect.objectContaining({ id: 'rfm:lost', syncToShopify: true, taggedAt: expect.any(String) }),
    );
    // Switched off again, so the next test's shop has only its own synced segment.
    expect((await api()('PUT', '/segments/rfm:lost', { syncToShopify: false })).status).toBe(200);
    await waitFor(
      'the RFM tags removed',
      () => tagsOf(members[0]!.customerId),
      (t) => !t.includes('tally-segment:lost'),
    );
  });

  it("waits for the shop's bucket, as the last answer's cost extension shows it, before a call it cannot afford", async () => {
    await membersIn('AX', 2);
    const created = await api()('POST', '/segments', { name: 'Aland', rules: { all: [{ field: 'country', op: 'eq', value: 'AX' }] } });
    const id = created.body.segment.id as string;
    // Only this segment synced (the others' tags come off first), its Shopify segment known: the test drives the sync itself.
    await app.db.pool.query(`UPDATE "Segment" SET "syncToShopify" = (id = $2) WHERE shop = $1`, [shop, id]);
    await app.db.pool.query(`UPDATE "Segment" SET "shopifySegmentId" = 'gid://shopify/Segment/1' WHERE id = $1`, [id]);
    expect(await syncSegmentTags({ pool: app.db.pool, admin: app.admin }, shop)).toMatchObject({ tagged: 2, more: false });

    // Now Shopify's answers say the bucket is nearly empty (50 of 2,000, refilling 100 a second).
    const admin: AdminClient = {
      request: (async (s: string, q: string, v?: Record<string, unknown>) => {
        const res = await app.admin.request(s, q, v);
        const throttleStatus = { maximumAvailable: 2000, currentlyAvailable: 50, restoreRate: 100 };
        return { ...res, extensions: { cost: { requestedQueryCost: 250, actualQueryCost: 250, throttleStatus } } };
      }) as AdminClient['request'],
    };
    const more = await membersIn('AX', 2 * CUSTOMERS_PER_CALL);
    await refreshMemberships(app.db.pool, shop, { segmentId: id });
    const waits: number[] = [];
    const result = await syncSegmentTags({ pool: app.db.pool, admin, sleep: async (ms) => void waits.push(ms) }, shop);
    expect(result).toMatchObject({ tagged: more.length, calls: 2 });
    // The first call went at once (the real answer before it left plenty); the second, 25 tagsAdd = 250 points,
    // waited (250 − 50) ÷ 100 a second = 2 s, less what refilled between the two calls.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(1500);
    expect(waits[0]).toBeLessThanOrEqual(2000);
    for (const m of more) expect(tagsOf(m.customerId)).toContain('tally-segment:aland');
  });
});
