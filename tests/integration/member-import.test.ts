// The member CSV import (issue 16, first slice): a dry run names exactly the
// bad rows; applying sets the balances through the ledger (doctor clean) and
// re-applying changes nothing; a row for an email with no customer waits as a
// guest balance claimed at signup; undo gives back what it gave and says what
// was spent. Real HTTP with session tokens, the real job queue and database.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_API_KEY, DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { customerPayload } from '../../dev/payloads.js';
import { adjust } from '../../web/loyalty/ledger.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { guestCustomerId } from '../../web/loyalty/members.js';
import { mintSessionToken } from '../../web/shopify/signing.js';
import { useTestApp } from '../helpers/app.js';
import { newCustomer } from '../helpers/orders.js';
import { deliverOk } from '../helpers/webhooks.js';

const app = useTestApp({ checkLedger: true });

async function request(method: string, path: string, body?: string, contentType = 'text/csv') {
  const token = await mintSessionToken({ shop: DEV_SHOP, apiKey: DEV_API_KEY, secret: DEV_API_SECRET, userId: '4242' });
  const res = await fetch(`${app.url}/api/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    body,
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answers' fields are checked by the expectations
  return { status: res.status, body: JSON.parse(text) as Record<string, any> };
}

const dryRun = (csv: string) => request('POST', '/imports/members?mode=dry-run', csv);

async function applied(csv: string, balance: 'set' | 'add' = 'set') {
  const started = await request('POST', `/imports/members?mode=apply&balance=${balance}`, csv);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  expect(started.body.import).toEqual({ id: expect.any(String), status: 'queued' });
  return settled(started.body.import.id, ['done', 'failed']);
}

async function settled(id: string, statuses: string[]) {
  const until = Date.now() + 30_000;
  for (;;) {
    const res = await request('GET', `/imports/${id}`);
    expect(res.status).toBe(200);
    if (statuses.includes(res.body.import.status)) return res.body.import;
    if (Date.now() > until) throw new Error(`import ${id} still ${res.body.import.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const balanceOf = async (customerId: string) =>
  Number((await app.prisma.member.findUnique({ where: { shop_customerId: { shop: DEV_SHOP, customerId } } }))?.pointsAvailable ?? NaN);

describe('member CSV import: dry run', () => {
  it('detects each supported export by its header', async () => {
    const files: Record<string, string> = {
      tally:
        'customer_id,email,first_name,last_name,points_available,points_pending,lifetime_earned,lifetime_redeemed,member_since,last_activity,tier\n' +
        'gid://shopify/Customer/501,a@example.com,A,B,120,0,120,0,2025-01-01,,Silver\n',
      smile: 'email,points\na@example.com,120\n',
      loyaltylion: 'merchant_id,email,points_approved,points_pending,points_spent,tier\n501,a@example.com,120,0,10,Gold\n',
      yotpo:
        'Email,First Name,Last Name,Points Balance,Points Spent,Birthday (MM/DD/YYYY),VIP Tier\na@example.com,A,B,120,5,04/21/1990,Gold\n',
      rivo: 'remote_id,email,first_name,last_name,points_tally,vip_tier,dob\n501,a@example.com,A,B,120,Silver,1990-04-21\n',
      growave:
        'Email,First name,Last name,Available points,Earned points,Spent points,Tier,Birthday\na@example.com,A,B,120,200,80,Bronze,1990-04-21\n',
      generic:
        'Email,Customer ID,Points Balance,Birthday,VIP Tier,Referral Code,First Name,Last Name\na@example.com,501,120,1990-04-21,Gold,AB12,A,B\n',
    };
    for (const [format, csv] of Object.entries(files)) {
      const res = await dryRun(csv);
      expect(res.status, `${format}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.import, format).toEqual({ format, rows: 1, valid: 1, invalid: 0, errors: [] });
    }
  });

  it('reports exactly the bad rows, numbered from the first data row, with the column and the reason', async () => {
    const csv = [
      'Email,Customer ID,Points,Birthday,VIP Tier,First Name',
      'good.one@example.com,,100,1990-01-02,Silver,Ann', // 1
      'not-an-email,,100,,,Bob', // 2
      ',gid://shopify/Customer/42,0,,,Cy', // 3 good: a customer id, zero points
      'neg@example.com,,-5,,,', // 4
      'tier@example.com,,10,,Platinum,', // 5
      'GOOD.ONE@example.com,,7,,,', // 6 duplicate of 1 (emails match case-insensitively)
      'future@example.com,,10,2999-01-01,,', // 7
      'id@example.com,shop-42,10,,,', // 8
      'half@example.com,,1.5,,,', // 9
      '"quoted, name@example.com",,10,,,', // 10
      'late@example.com,,25,02/30/1990,,', // 11
      ',,10,,,', // 12
      'fine@example.com,43,25,12/24,gold,', // 13 good: numeric id, MM/DD birthday, tier case-insensitive
    ].join('\r\n');
    const res = await dryRun(csv);
    expect(res.status).toBe(200);
    expect(res.body.import).toMatchObject({ format: 'generic', rows: 13, valid: 3, invalid: 10 });
    expect(res.body.import.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [2, 'Email'],
      [4, 'Points'],
      [5, 'VIP Tier'],
      [6, 'Email'],
      [7, 'Birthday'],
      [8, 'Customer ID'],
      [9, 'Points'],
      [10, 'Email'],
      [11, 'Birthday'],
      [12, 'Email'],
    ]);
    const messages = res.body.import.errors.map((e: { message: string }) => e.message);
    expect(messages[1]).toMatch(/negative/);
    expect(messages[2]).toMatch(/No tier named "Platinum"/);
    expect(messages[3]).toMatch(/Duplicate row: the same email as row 1/);
    expect(messages[4]).toMatch(/future/);
  });

  it('refuses what is not a member CSV with a clear 4xx', async () => {
    const json = await request('POST', '/imports/members?mode=dry-run', '{"email":"a@example.com"}', 'application/json');
    expect(json.status).toBe(415);
    expect(json.body.error.message).toMatch(/text\/csv/);
    const empty = await dryRun('');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/empty/);
    const headerOnly = await dryRun('email,points\n');
    expect(headerOnly.status).toBe(400);
    const unknown = await dryRun('name,score\nAnn,3\n');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toMatch(/name, score/);
    const huge = await dryRun(`email,points\na@example.com,1\n"${'x'.repeat(100_000)}@example.com",1\n`);
    expect(huge.status).toBe(413);
    expect(huge.body.error.message).toMatch(/longer than/);
    const badMode = await request('POST', '/imports/members?mode=now', 'email,points\na@example.com,1\n');
    expect(badMode.status).toBe(400);
    expect(await app.prisma.import.count({ where: { shop: DEV_SHOP } })).toBe(0);
  });
});

describe('member CSV import: apply, re-apply, claim, undo', () => {
  it('sets balances through the ledger, holds unknown emails for signup, and changes nothing when applied again', async () => {
    const known = newCustomer('known');
    const fresh = newCustomer('fresh');
    const guestEmail = `Later.${Date.now()}@Example.com`;
    // A member Tally knows (with 40 points of their own), found by email.
    await deliverOk(app.url, DEV_SHOP, 'customers/create', customerPayload({ id: known.id, email: known.email }));
    const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: known.id } } });
    await app.prisma.$transaction((tx) =>
      adjust(tx, {
        shop: DEV_SHOP,
        memberId: member.id,
        points: 40 - Number(member.pointsAvailable),
        reason: 'start',
        actor: null,
        idempotencyKey: `start:${known.id}`,
      }),
    );
    const csv = [
      'Email,Customer ID,Points,VIP Tier,First Name',
      `${known.email},,300,Gold,`,
      `${fresh.email},${fresh.id.split('/').pop()},125,,Fresh`,
      `${guestEmail},,70,Silver,Guest`,
      'broken,,5,,',
    ].join('\n');

    const first = await applied(csv);
    expect(first).toMatchObject({ kind: 'members', status: 'done', progress: { done: 3, total: 3 }, format: 'generic', invalid: 1 });
    expect(first.errors).toEqual([{ row: 4, column: 'Email', message: expect.stringMatching(/not an email/) }]);
    expect(first.result).toMatchObject({ members: 3, created: 2, guests: 1, points: 260 + 125 + 70 });
    expect(await balanceOf(known.id)).toBe(300);
    expect(await balanceOf(fresh.id)).toBe(125);
    expect(await balanceOf(guestCustomerId(guestEmail))).toBe(70);
    const gold = await app.prisma.tier.findFirstOrThrow({ where: { shop: DEV_SHOP, name: 'Gold' } });
    expect((await app.prisma.member.findUniqueOrThrow({ where: { id: member.id } })).tierId).toBe(gold.id);
    expect((await checkLedger(app.prisma, DEV_SHOP)).offenders).toEqual([]);
    const entries = await app.prisma.pointEntry.findMany({ where: { shop: DEV_SHOP, source: 'IMPORT', sourceId: first.id } });
    expect(entries.map((e) => Number(e.points)).sort((a, b) => a - b)).toEqual([70, 125, 260]);

    // The same file again, as set or as add: nothing moves.
    const again = await applied(csv);
    expect(again.status).toBe('done');
    expect(await app.prisma.pointEntry.count({ where: { shop: DEV_SHOP, source: 'IMPORT', sourceId: again.id } })).toBe(0);
    const addFile = `email,points\n${fresh.email},10\n`;
    const added = await applied(addFile, 'add');
    const addedAgain = await applied(addFile, 'add');
    expect(added.result.points).toBe(10);
    expect(addedAgain.result.points).toBe(0);
    expect(await balanceOf(fresh.id)).toBe(135);
    expect(await balanceOf(known.id)).toBe(300);

    // The guest signs up: their imported points move to the new account.
    const signup = { id: `gid://shopify/Customer/88${Date.now() % 1_000_000}`, email: guestEmail.toLowerCase() };
    await deliverOk(app.url, DEV_SHOP, 'customers/create', customerPayload(signup));
    expect(await balanceOf(signup.id)).toBeGreaterThanOrEqual(70);
    const claimed = await app.prisma.pointEntry.findFirstOrThrow({
      where: { shop: DEV_SHOP, source: 'IMPORT', sourceId: first.id, points: 70 },
    });
    const account = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: signup.id } } });
    expect(claimed.memberId).toBe(account.id);
    expect(await app.prisma.member.count({ where: { shop: DEV_SHOP, customerId: guestCustomerId(guestEmail) } })).toBe(0);
  });

  it('undo reverses what the import gave with new entries (none deleted) and tells how much was already spent', async () => {
    const a = newCustomer('undo-a');
    const b = newCustomer('undo-b');
    await deliverOk(app.url, DEV_SHOP, 'customers/create', customerPayload({ id: a.id, email: a.email }));
    const before = await balanceOf(a.id);
    const imported = await applied(`Email,Customer ID,Points\n${a.email},,${before + 500}\n,${b.id},80\n`);
    expect(await balanceOf(a.id)).toBe(before + 500);
    // b spends 30 of the 80 imported points.
    const memberB = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: b.id } } });
    await app.prisma.$transaction((tx) =>
      adjust(tx, { shop: DEV_SHOP, memberId: memberB.id, points: -30, reason: 'spent', actor: null, idempotencyKey: `spent:${b.id}` }),
    );
    const entriesBefore = await app.prisma.pointEntry.count({ where: { shop: DEV_SHOP } });

    const undo = await request('POST', `/imports/${imported.id}/undo`);
    expect(undo.status).toBe(202);
    const undone = await settled(imported.id, ['undone']);
    expect(undone.undoneAt).toEqual(expect.any(String));
    expect(undone.result.undo).toMatchObject({ status: 'done', members: 2, reversed: 500 + 50, spent: 30 });
    expect(await balanceOf(a.id)).toBe(before);
    expect(await balanceOf(b.id)).toBe(0);
    expect(await app.prisma.pointEntry.count({ where: { shop: DEV_SHOP } })).toBe(entriesBefore + 2);
    expect(await app.prisma.pointEntry.count({ where: { shop: DEV_SHOP, sourceId: imported.id, kind: 'REVERSAL' } })).toBe(2);
    // Once undone, it cannot be undone again.
    expect((await request('POST', `/imports/${imported.id}/undo`)).status).toBe(409);
    expect((await request('GET', '/imports/no-such-import')).status).toBe(404);
  });

  it('a new member whose entry key was already written starts at zero, not with a balance no entry explains (doctor clean)', async () => {
    // `add` keys are the file's: a key of this file's row 1, written before for another member, makes the row's entry a duplicate.
    const email = `key-taken-${Date.now()}@example.com`;
    const csv = `email,points\n${email},40\n`;
    const sha = createHash('sha256').update(csv).digest('hex');
    const other = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP } });
    await app.prisma.$transaction((tx) =>
      adjust(tx, {
        shop: DEV_SHOP,
        memberId: other.id,
        points: 1,
        reason: 'x',
        actor: null,
        idempotencyKey: `import:file:${sha.slice(0, 32)}:0:row:1`,
      }),
    );
    const done = await applied(csv, 'add');
    expect(done.status).toBe('done');
    expect(done.result).toMatchObject({ created: 1, points: 0 });
    const created = await app.prisma.member.findUniqueOrThrow({
      where: { shop_customerId: { shop: DEV_SHOP, customerId: guestCustomerId(email) } },
    });
    expect(Number(created.pointsAvailable)).toBe(0);
    expect(Number(created.lifetimeEarned)).toBe(0);
    expect((await checkLedger(app.prisma, DEV_SHOP)).offenders).toEqual([]);
  });

  it("lists the shop's imports newest first, with their progress and how many errors (the errors themselves by id)", async () => {
    const first = await applied('email,points\nlist-a@example.com,5\nbroken,1\n');
    const second = await applied('email,points\nlist-b@example.com,6\n', 'add');
    const list = await request('GET', '/imports');
    expect(list.status).toBe(200);
    const ids = list.body.imports.map((i: { id: string }) => i.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(ids.indexOf(second.id)).toBeGreaterThanOrEqual(0);
    const listed = list.body.imports.find((i: { id: string }) => i.id === first.id);
    expect(listed).toMatchObject({ kind: 'members', status: 'done', balance: 'set', progress: { done: 1, total: 1 }, errorCount: 1 });
    expect(listed.errors).toBeUndefined();
    expect(list.body.imports.find((i: { id: string }) => i.id === second.id)).toMatchObject({ balance: 'add', errorCount: 0 });
  });
});
