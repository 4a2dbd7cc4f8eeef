// The monthly statement (web/email/statement.ts) through the real paths to a real SMTP server in this process: its
// content in the member's language (balance, a reward it buys, the closest one, the next tier), the frequency cap and
// send window it observes like every reminder, a run stopped after its first batch (and one whose cursor was lost)
// sending each member exactly one statement once restarted, and the run's progress through the admin API. Runs on
// PGlite and on PostgreSQL (TEST_DATABASE_URL).
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { pgSql } from '../../web/db/sql.js';
import { sendDueEmails } from '../../web/email/sender.js';
import { continueStatementRun, monthlyStatements, startStatementRun, statementMonth } from '../../web/email/statement.js';
import { customerPayload } from '../../dev/payloads.js';
import { useTestApp } from '../helpers/app.js';
import { useTestSmtp } from '../helpers/smtp.js';
import { newCustomer } from '../helpers/orders.js';
import { adminApi } from '../helpers/requests.js';
import { delivery, send } from '../helpers/webhooks.js';

const { mailTo, arrived, url: smtpUrl } = await useTestSmtp();

// No worker: the hourly monthly-statements job must not continue a run the test stops on purpose.
const app = useTestApp({ env: { SMTP_URL: smtpUrl, MAIL_FROM: 'Tally <loyalty@tally.test>', TALLY_WORKER: 'false' }, checkLedger: true });

const settle = () => app.jobs.events!.settle();
const sql = () => pgSql(app.db.pool);
const sender = () => ({ pool: app.db.pool, mail: app.mail!, logger: app.logger });
const jobDeps = () => ({ pool: app.db.pool, programs: app.programs });

async function join(prefix: string, extra: Record<string, unknown> = {}) {
  const c = newCustomer(prefix);
  for (const res of await send(app.url, delivery('customers/create', { ...customerPayload(c), ...extra }))) expect(res.status).toBe(200);
  await settle();
  const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
  return { ...c, memberId: member.id };
}

/** A send window open from an hour ago to two hours ahead (UTC), so a reminder decided now may go at once. */
const openNow = () => {
  const h = new Date().getUTCHours();
  const clock = (x: number) => `${String((x + 24) % 24).padStart(2, '0')}:00`;
  return { start: clock(h - 1), end: clock(h + 2) };
};

/** Runs `fn` with the shop in UTC and these email settings, then puts them back. */
async function withEmailSettings<T>(emailSettings: object, fn: () => Promise<T>): Promise<T> {
  const shop = await app.prisma.shop.findUniqueOrThrow({ where: { domain: DEV_SHOP } });
  const program = await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } });
  await app.prisma.shop.update({ where: { domain: DEV_SHOP }, data: { ianaTimezone: 'UTC' } });
  await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { emailSettings } });
  try {
    return await fn();
  } finally {
    await app.prisma.shop.update({ where: { domain: DEV_SHOP }, data: { ianaTimezone: shop.ianaTimezone } });
    await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { emailSettings: program.emailSettings ?? {} } });
  }
}

/** Sends what is due until every recorded statement of `month` has left the queue (the app's own send job may help). */
async function drain(month: string) {
  for (let waited = 0; waited < 20_000; waited += 50) {
    await sendDueEmails(sender());
    const left = await app.prisma.emailSend.count({
      where: { shop: DEV_SHOP, key: 'monthly_statement', cause: month, status: { in: ['queued', 'sending'] } },
    });
    if (left === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const left = await app.prisma.emailSend.findMany({
    where: { shop: DEV_SHOP, key: 'monthly_statement', cause: month, status: { in: ['queued', 'sending'] } },
    select: { to: true, status: true, reason: true, attempts: true, notBefore: true },
  });
  throw new Error(`statements of ${month} still queued after 20 s: ${JSON.stringify(left)}`);
}

/** A member's email rows, for an assertion's message: why a mail that should have arrived did not. */
const sendsOf = async (memberId: string) =>
  JSON.stringify(
    await app.prisma.emailSend.findMany({
      where: { memberId },
      select: { key: true, cause: true, status: true, reason: true, attempts: true, notBefore: true, sentAt: true },
    }),
  );

const runs = async () => {
  const res = await adminApi(app.url, 'GET', '/emails/runs');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.runs as Array<Record<string, unknown>>;
};

describe('monthly_statement', () => {
  it('is off by default: the job starts no run for a shop that did not switch it on', async () => {
    expect(await monthlyStatements(jobDeps(), { now: new Date('2027-01-01T10:00:00Z') })).toEqual([]);
    expect(await app.prisma.emailRun.count()).toBe(0);
    expect((await adminApi(app.url, 'PUT', '/emails/monthly_statement', { enabled: true })).status).toBe(200);
  });

  it("states the balance, a reward it buys, the closest one and the next tier, in the member's language", async () => {
    const de = await join('statement-de', { locale: 'de-AT' });
    const res = await adminApi(app.url, 'POST', `/members/${de.memberId}/adjustments`, { points: 600, reason: 'Statement test' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const fr = await join('statement-fr', { locale: 'fr' });
    await settle();
    const deMember = await app.prisma.member.findUniqueOrThrow({ where: { id: de.memberId } });
    const frMember = await app.prisma.member.findUniqueOrThrow({ where: { id: fr.memberId } });
    const tierOf = async (id: string | null) => (id ? (await app.prisma.tier.findUniqueOrThrow({ where: { id } })).name : null);

    await withEmailSettings({ frequencyCapDays: 0, sendWindow: openNow() }, async () => {
      const run = await startStatementRun(sql(), DEV_SHOP, '2026-12');
      expect(await continueStatementRun(app.db.pool, (await app.programs.get(DEV_SHOP))!, run.id)).toBe('done');
      await drain('2026-12');
    });

    const [mail] = await arrived(de.email, 'monthly_statement');
    expect(mail, await sendsOf(de.memberId)).toBeDefined();
    const points = Number(deMember.pointsAvailable);
    expect(points).toBeGreaterThanOrEqual(600);
    expect(mail!.subject).toBe(`Ihr Kontoauszug für Dezember 2026: ${points} Punkte bei Tally Demo Store`);
    expect(mail!.text).toContain(`Ihr Guthaben: ${points} Punkte`);
    // The default catalogue: 500 and 300 points are covered, 1000 is the closest.
    expect(mail!.text).toContain('5 off for 500 points (500 Punkte)');
    expect(mail!.text).toContain('Free shipping for 300 points (300 Punkte)');
    expect(mail!.text).toContain(`Als Nächstes: 10% off for 1000 points, noch ${1000 - points} Punkte.`);
    expect(await tierOf(deMember.tierId)).toBe('Silver');
    expect(mail!.text).toContain(`Sie sind Silver: noch ${1500 - points} Punkte bis Gold.`);
    expect(mail!.headers['list-unsubscribe']).toMatch(/^<https?:\/\//);

    const [frMail] = await arrived(fr.email, 'monthly_statement');
    expect(frMail, await sendsOf(fr.memberId)).toBeDefined();
    const frPoints = Number(frMember.pointsAvailable);
    expect(frMail!.subject).toBe(`Votre relevé de décembre 2026 : ${frPoints} points chez Tally Demo Store`);
    expect(frMail!.text).toContain(`Vous êtes Bronze : encore ${500 - frPoints} points pour atteindre Silver.`);
    // One statement a member, whatever else the shop's members got.
    expect(mailTo(de.email, 'monthly_statement')).toHaveLength(1);
  }, 120_000); // the first email of the file loads MJML (seconds on a loaded machine) and the run sends to every seeded member

  it('waits for the frequency cap and the send window like every reminder', async () => {
    const capped = await join('statement-capped');
    const sentAt = new Date(Date.now() - 86_400_000);
    await app.prisma.emailSend.create({
      data: {
        shop: DEV_SHOP,
        memberId: capped.memberId,
        key: 'reward_expiring',
        category: 'reminder',
        cause: 'test:yesterday',
        to: capped.email,
        locale: 'en',
        status: 'sent',
        sentAt,
        notBefore: sentAt,
      },
    });
    const free = await join('statement-free');
    // Open all day: the capped member waits three days after yesterday's reminder; the other goes now.
    await withEmailSettings({ frequencyCapDays: 3, sendWindow: { start: '00:00', end: '23:59' } }, async () => {
      const run = await startStatementRun(sql(), DEV_SHOP, '2026-10');
      const now = new Date();
      await continueStatementRun(app.db.pool, (await app.programs.get(DEV_SHOP))!, run.id, { now });
      const rows = await app.prisma.emailSend.findMany({
        where: { key: 'monthly_statement', cause: '2026-10', memberId: { in: [capped.memberId, free.memberId] } },
      });
      const of = (id: string) => rows.find((r) => r.memberId === id)!;
      expect(of(capped.memberId).notBefore.getTime()).toBe(sentAt.getTime() + 3 * 86_400_000);
      expect(of(free.memberId).notBefore.getTime()).toBe(now.getTime());
    });
    // A window that opens in five hours (UTC shop): everyone waits for it.
    const h = (new Date().getUTCHours() + 5) % 24;
    const start = `${String(h).padStart(2, '0')}:00`;
    await withEmailSettings(
      { frequencyCapDays: 0, sendWindow: { start, end: `${String((h + 1) % 24).padStart(2, '0')}:00` } },
      async () => {
        const run = await startStatementRun(sql(), DEV_SHOP, '2026-09');
        await continueStatementRun(app.db.pool, (await app.programs.get(DEV_SHOP))!, run.id);
        const row = await app.prisma.emailSend.findFirstOrThrow({
          where: { key: 'monthly_statement', cause: '2026-09', memberId: free.memberId },
        });
        expect(row.status).toBe('queued');
        expect(row.notBefore.getUTCHours()).toBe(h);
        expect(row.notBefore.getUTCMinutes()).toBe(0);
        expect(row.notBefore.getTime()).toBeGreaterThan(Date.now());
      },
    );
  });

  it('sends each member exactly one statement when the run stops after its first batch and restarts (even from a lost cursor), with progress in the admin API', async () => {
    await withEmailSettings({ frequencyCapDays: 0, sendWindow: openNow() }, async () => {
      const members = await app.prisma.member.findMany({ where: { shop: DEV_SHOP }, select: { id: true, email: true, redactedAt: true } });
      const run = await startStatementRun(sql(), DEV_SHOP, '2026-11');
      expect(run.total).toBe(members.length);

      // The first process records one batch of 5 members, hands them to SMTP, and stops.
      const program = (await app.programs.get(DEV_SHOP))!;
      expect(await continueStatementRun(app.db.pool, program, run.id, { batchSize: 5, maxBatches: 1 })).toBe('more');
      const [first] = await runs();
      expect(first).toMatchObject({ key: 'monthly_statement', month: '2026-11', status: 'running', total: members.length, recorded: 5 });
      await drain('2026-11');
      const afterFirst = (await runs())[0]!;
      expect((afterFirst.sent as number) + (afterFirst.suppressed as number)).toBe(5);

      // A second process picks the run up from its cursor; one more batch, then it too stops …
      expect(await continueStatementRun(app.db.pool, program, run.id, { batchSize: 5, maxBatches: 1 })).toBe('more');
      // … and its cursor update is lost (as if the last batch's bookkeeping had gone): the run starts over.
      await app.prisma.emailRun.update({ where: { id: run.id }, data: { cursor: null } });
      // The hourly job continues every running run, whatever the day of the month.
      const results = await monthlyStatements(jobDeps(), { batchSize: 7 });
      expect(results).toContainEqual({ shop: DEV_SHOP, month: '2026-11', outcome: 'done' });
      await drain('2026-11');

      const withEmail = members.filter((m) => m.email && !m.redactedAt);
      expect(withEmail.length).toBeGreaterThan(10);
      // The month's statements by their Message-ID (<row id@tally>): one per member, never two.
      const ids = new Set(
        (await app.prisma.emailSend.findMany({ where: { key: 'monthly_statement', cause: '2026-11' }, select: { id: true } })).map(
          (r) => `<${r.id}@tally>`,
        ),
      );
      for (const m of withEmail) {
        // Sent rows were accepted by the server, which stores a message before it answers 250.
        const got = mailTo(m.email!, 'monthly_statement').filter((mail) => ids.has(mail.headers['message-id']!));
        expect(
          got.map((mail) => mail.subject),
          m.email!,
        ).toHaveLength(1);
      }
      const rows = await app.prisma.emailSend.groupBy({
        by: ['status'],
        where: { shop: DEV_SHOP, key: 'monthly_statement', cause: '2026-11' },
        _count: true,
      });
      const count = (status: string) => rows.find((r) => r.status === status)?._count ?? 0;
      expect(count('sent')).toBe(withEmail.length);
      const [done] = await runs();
      expect(done).toMatchObject({
        month: '2026-11',
        status: 'done',
        total: members.length,
        recorded: members.length,
        sent: withEmail.length,
        suppressed: count('suppressed'),
        waiting: 0,
        failed: 0,
      });
      expect(done!.finishedAt).toEqual(expect.any(String));
    });
  });

  it("starts a shop's run on the first day of its month, in its time zone", () => {
    expect(statementMonth(new Date('2026-12-31T23:30:00Z'), 'Europe/Berlin')).toEqual({
      month: '2027-01',
      firstDay: true,
      date: '2027-01-01',
    });
    expect(statementMonth(new Date('2026-12-31T23:30:00Z'), 'UTC')).toEqual({ month: '2026-12', firstDay: false, date: '2026-12-31' });
    expect(statementMonth(new Date('2027-01-01T03:00:00Z'), 'America/New_York').firstDay).toBe(false);
  });
});
