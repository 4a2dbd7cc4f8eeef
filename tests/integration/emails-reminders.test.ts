// Shopper emails, slice 2, through the real paths to a real SMTP server in this process: welcome only for new
// members, the frequency cap and send window of reminder and marketing messages (fixed clocks), and the
// points_earned digest, points_available, reward_unlocked and reward_expiring messages. Runs on PGlite and on
// PostgreSQL (TEST_DATABASE_URL).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { customerPayload } from '../../dev/payloads.js';
import { DEV_SHOP } from '../../web/config.js';
import { pgSql, transaction } from '../../web/db/sql.js';
import { emit } from '../../web/events/emit.js';
import { emailPointsLastChance } from '../../web/jobs/email-points-last-chance.js';
import { sendDueEmails } from '../../web/email/sender.js';
import { recordEmail } from '../../web/email/sends.js';
import { earn } from '../../web/loyalty/ledger.js';
import { remindExpiringCodes } from '../../web/loyalty/redemptions.js';
import { useTestApp } from '../helpers/app.js';
import { useTestSmtp } from '../helpers/smtp.js';
import { newCustomer, order } from '../helpers/orders.js';
import { adminApi, proxyApi } from '../helpers/requests.js';
import { delivery, send } from '../helpers/webhooks.js';

const { mailTo, url: smtpUrl } = await useTestSmtp();

const app = useTestApp({ env: { SMTP_URL: smtpUrl, MAIL_FROM: 'Tally <loyalty@tally.test>' }, checkLedger: true });

const settle = () => app.jobs.events!.settle();
const deliver = async (topic: string, payload: unknown, times = 1) => {
  const results = await send(app.url, delivery(topic, payload), times);
  for (const res of results) expect(res.status, JSON.stringify(res.body)).toBe(200);
};
/** A new customer (and member) through customers/create, with the member's id. */
async function join(prefix: string, extra: Record<string, unknown> = {}) {
  const c = newCustomer(prefix);
  await deliver('customers/create', { ...customerPayload(c), ...extra });
  await settle();
  const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
  return { ...c, memberId: member.id };
}
/** Delivers the subscriber's event deliveries for the member again, as an at-least-once dispatcher may. */
async function redeliver(memberId: string, subscriber: string) {
  const again = await app.prisma.eventDelivery.updateMany({
    where: { memberId, subscriber },
    data: { status: 'pending', nextAttemptAt: new Date(), doneAt: null },
  });
  expect(again.count).toBeGreaterThan(0);
  await settle();
}
const sender = () => ({ pool: app.db.pool, mail: app.mail!, logger: app.logger });
const sql = () => pgSql(app.db.pool);

/** Sets the shop's time zone and email settings for the test, then puts them back. */
async function withShop<T>(timeZone: string, emailSettings: object, fn: () => Promise<T>): Promise<T> {
  const shop = await app.prisma.shop.findUniqueOrThrow({ where: { domain: DEV_SHOP } });
  const program = await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } });
  await app.prisma.shop.update({ where: { domain: DEV_SHOP }, data: { ianaTimezone: timeZone } });
  await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { emailSettings } });
  try {
    return await fn();
  } finally {
    await app.prisma.shop.update({ where: { domain: DEV_SHOP }, data: { ianaTimezone: shop.ianaTimezone } });
    await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { emailSettings: program.emailSettings ?? {} } });
  }
}
/** A send window open from an hour ago to two hours ahead (UTC), so a reminder decided now goes at once. */
const openNow = () => {
  const h = new Date().getUTCHours();
  const clock = (x: number) => `${String((x + 24) % 24).padStart(2, '0')}:00`;
  return { start: clock(h - 1), end: clock(h + 2) };
};

describe('welcome only for new members', () => {
  it('welcomes customers/create and a first order, never a pre-install customer enrolled by customers/update', async () => {
    // A customer who existed before Tally was installed: their first webhook is an update.
    const old = newCustomer('pre-install');
    await deliver('customers/update', customerPayload(old));
    await settle();
    const oldMember = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: old.id } } });
    const enrolled = await app.prisma.event.findFirstOrThrow({ where: { memberId: oldMember.id, type: 'member.enrolled' } });
    expect(enrolled.data).toMatchObject({ via: 'customers/update' });
    expect(mailTo(old.email)).toEqual([]);
    expect(await app.prisma.emailSend.count({ where: { memberId: oldMember.id } })).toBe(0);

    // A new customer (a storefront sign-up arrives as customers/create).
    const signUp = await join('sign-up');
    expect(mailTo(signUp.email, 'welcome')).toHaveLength(1);

    // A customer whose first order enrols them.
    const buyer = newCustomer('first-order');
    await deliver('orders/create', order({ customer: buyer, lines: [{ title: 'Mug', priceMinor: 1_500, quantity: 1 }] }).payload);
    await settle();
    const buyerMember = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: buyer.id } } });
    expect((await app.prisma.event.findFirstOrThrow({ where: { memberId: buyerMember.id, type: 'member.enrolled' } })).data).toMatchObject({
      via: 'order',
    });
    expect(mailTo(buyer.email, 'welcome').map((m) => m.subject)).toEqual(['Welcome to Tally Demo Store rewards']);
  });
});

describe('frequency cap and send window (fixed clocks)', () => {
  it('queues a reminder decided outside the window until 09:00 in the shop time zone; account messages go at once', async () => {
    const c = await join('window');
    await withShop('Asia/Tokyo', {}, async () => {
      // 12:30 UTC is 21:30 in Tokyo: closed until 09:00 there, 00:00 UTC the next day.
      const now = new Date('2026-12-07T12:30:00Z');
      const recorded = await recordEmail(sql(), {
        shop: DEV_SHOP,
        memberId: c.memberId,
        key: 'reward_unlocked',
        cause: 'test:window',
        data: { reward: { name: 'Tote bag', cost: 400 } },
        now,
      });
      expect(recorded).toMatchObject({ status: 'queued', notBefore: new Date('2026-12-08T00:00:00Z') });
      await sendDueEmails(sender(), { now: new Date('2026-12-07T23:59:00Z') });
      expect(mailTo(c.email, 'reward_unlocked')).toEqual([]);
      const log = await adminApi(app.url, 'GET', `/emails/log?memberId=${c.memberId}`);
      expect(log.body.sent.find((s: { key: string }) => s.key === 'reward_unlocked')).toMatchObject({ status: 'queued', sentAt: null });
      // At 09:00 Tokyo the send job hands it over.
      await sendDueEmails(sender(), { now: new Date('2026-12-08T00:00:00Z') });
      expect(mailTo(c.email, 'reward_unlocked').map((m) => m.subject)).toEqual(['You have enough points for Tote bag']);

      // An account message decided at the same night hour is not held.
      const account = await recordEmail(sql(), {
        shop: DEV_SHOP,
        memberId: c.memberId,
        key: 'points_available',
        cause: 'test:night',
        data: {},
        now,
      });
      expect(account).toMatchObject({ status: 'queued', notBefore: now });
    });
  });

  it('holds a second reminder until N days after the first (shop setting), then into the window; unsubscribing stops it', async () => {
    const c = await join('cap');
    await withShop('America/New_York', { frequencyCapDays: 2, sendWindow: { start: '08:00', end: '18:00' } }, async () => {
      // Mon 7 Dec 15:00 UTC = 10:00 New York: inside, goes at once.
      const first = await recordEmail(sql(), {
        shop: DEV_SHOP,
        memberId: c.memberId,
        key: 'reward_unlocked',
        cause: 'test:cap-1',
        data: { reward: { name: 'Cap A', cost: 100 } },
        now: new Date('2026-12-07T15:00:00Z'),
      });
      expect(first).toMatchObject({ notBefore: new Date('2026-12-07T15:00:00Z') });
      await sendDueEmails(sender(), { now: new Date('2026-12-07T15:00:00Z') });
      expect(await app.prisma.emailSend.findFirstOrThrow({ where: { memberId: c.memberId, cause: 'test:cap-1' } })).toMatchObject({
        status: 'sent',
        sentAt: new Date('2026-12-07T15:00:00Z'),
      });

      // A second reminder an hour later waits for the cap: two days after the first went, which is inside the window.
      const second = await recordEmail(sql(), {
        shop: DEV_SHOP,
        memberId: c.memberId,
        key: 'reward_expiring',
        cause: 'test:cap-2',
        data: { reward: { name: 'Cap B', code: 'CAPB', apply_url: '', expires_on: '2026-12-12' } },
        now: new Date('2026-12-07T16:00:00Z'),
      });
      expect(second).toMatchObject({ status: 'queued' });
      const due = (second as { notBefore: Date }).notBefore;
      // The first went at 15:00 UTC on the 7th: free at 15:00 UTC on the 9th (10:00 in New York, inside the window).
      expect(due).toEqual(new Date('2026-12-09T15:00:00Z'));
      // A third, decided at once too, waits two days after the second: 15:00 UTC on the 11th.
      const third = await recordEmail(sql(), {
        shop: DEV_SHOP,
        memberId: c.memberId,
        key: 'reward_unlocked',
        cause: 'test:cap-3',
        data: { reward: { name: 'Cap C', cost: 200 } },
        now: new Date('2026-12-07T16:00:00Z'),
      });
      expect(third).toMatchObject({ notBefore: new Date('2026-12-11T15:00:00Z') });

      // The member unsubscribes from reminders meanwhile: when it falls due it is suppressed, not sent.
      const [unlocked] = mailTo(c.email, 'reward_unlocked');
      const link = new URL(/^<(.+)>$/.exec(unlocked!.headers['list-unsubscribe']!)![1]!);
      const res = await fetch(`${app.url}${link.pathname}${link.search}`, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(200);
      await sendDueEmails(sender(), { now: new Date(due.getTime() + 1000) });
      expect(mailTo(c.email, 'reward_expiring')).toEqual([]);
      expect(await app.prisma.emailSend.findFirstOrThrow({ where: { memberId: c.memberId, cause: 'test:cap-2' } })).toMatchObject({
        status: 'suppressed',
        reason: 'unsubscribed from reminder emails',
      });
    });
  });
});

describe('order points, release and unlocked rewards', () => {
  it("sends one points_earned digest for the day's orders, then points_available and reward_unlocked on release", async () => {
    const c = await join('digest', { locale: 'de' });
    await withShop('Europe/Warsaw', { sendWindow: openNow() }, async () => {
      const first = order({ customer: c, lines: [{ title: 'Tea', priceMinor: 20_000, quantity: 1 }] });
      const second = order({ customer: c, lines: [{ title: 'Pot', priceMinor: 40_000, quantity: 1 }] });
      await deliver('orders/paid', first.payload, 2);
      await deliver('orders/paid', second.payload);
      await settle();
      const rows = await app.prisma.emailSend.findMany({ where: { memberId: c.memberId, key: 'points_earned' } });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.cause).toMatch(/^digest:\d{4}-\d{2}-\d{2}$/);
      expect(mailTo(c.email, 'points_earned')).toEqual([]); // it waits for the day's other orders
      await sendDueEmails(sender(), { now: new Date(Date.now() + 31 * 60_000) });
      const digest = mailTo(c.email, 'points_earned');
      expect(digest).toHaveLength(1);
      expect(digest[0]!.subject).toBe('Sie haben 600 Punkte bei Tally Demo Store gesammelt');
      expect(digest[0]!.text).toContain('Ihre 2 Bestellung(en)');

      // The signup bonus gave 100. Releasing the first order (200) makes 300: the free shipping is covered now.
      const released = await adminApi(app.url, 'POST', '/orders/release', { orderId: first.facts.orderId });
      expect(released.status, JSON.stringify(released.body)).toBe(200);
      await settle();
      await redeliver(c.memberId, 'points.released/send-email');
      expect(mailTo(c.email, 'points_available').map((m) => m.subject)).toEqual(['200 Punkte bei Tally Demo Store sind jetzt einlösbar']);
      expect(mailTo(c.email, 'reward_unlocked').map((m) => m.subject)).toEqual([
        'Ihre Punkte reichen jetzt für Free shipping for 300 points',
      ]);
      // The second (400) makes 700: the 5 off for 500 points, told once however often the event is delivered.
      await adminApi(app.url, 'POST', '/orders/release', { orderId: second.facts.orderId });
      await settle();
      await redeliver(c.memberId, 'points.released/send-email');
      // It is a reminder: the frequency cap (3 days by default) holds it until three days after the first.
      expect(mailTo(c.email, 'reward_unlocked')).toHaveLength(1);
      const unlockedRows = await app.prisma.emailSend.findMany({
        where: { memberId: c.memberId, key: 'reward_unlocked' },
        orderBy: { createdAt: 'asc' },
      });
      expect(unlockedRows.map((r) => r.status)).toEqual(['sent', 'queued']);
      expect(unlockedRows[1]!.notBefore.getTime()).toBeGreaterThanOrEqual(unlockedRows[0]!.sentAt!.getTime() + 3 * 86_400_000);
      await sendDueEmails(sender(), { now: unlockedRows[1]!.notBefore });
      const unlocked = mailTo(c.email, 'reward_unlocked');
      expect(unlocked.map((m) => m.subject)).toEqual([
        'Ihre Punkte reichen jetzt für Free shipping for 300 points',
        'Ihre Punkte reichen jetzt für 5 off for 500 points',
      ]);
      expect(unlocked[1]!.text).toContain('Mit 700 Punkten');
    });
  });

  it('tells a member about a reward once in 30 days, even when the balance dips under its cost and crosses it again', async () => {
    const c = await join('unlock-once');
    await withShop('UTC', { sendWindow: openNow(), frequencyCapDays: 0 }, async () => {
      const adjust = (points: number) => adminApi(app.url, 'POST', `/members/${c.memberId}/adjustments`, { points, reason: 'test' });
      // 100 (signup) + 550 = 650: the free shipping (300) and the 5 off (500) are new.
      expect((await adjust(550)).status).toBe(201);
      await settle();
      // Down to 450 and back up to 650: the 5 off is crossed again, but the member heard of it today.
      expect((await adjust(-200)).status).toBe(201);
      await settle();
      expect((await adjust(200)).status).toBe(201);
      await settle();
      expect(mailTo(c.email, 'reward_unlocked').map((m) => m.subject)).toEqual([
        'You have enough points for Free shipping for 300 points',
        'You have enough points for 5 off for 500 points',
      ]);
      // 30 days on, crossing it again tells the member once more.
      await app.prisma.emailSend.updateMany({
        where: { memberId: c.memberId, key: 'reward_unlocked' },
        data: { createdAt: new Date(Date.now() - 31 * 86_400_000) },
      });
      expect((await adjust(-200)).status).toBe(201);
      await settle();
      expect((await adjust(200)).status).toBe(201);
      await settle();
      expect(mailTo(c.email, 'reward_unlocked')).toHaveLength(3);
    });
  });
});

describe('reward_expiring', () => {
  it('reminds the member of an unused code that expires within 7 days, once', async () => {
    const c = await join('expiring', { locale: 'pl' });
    await withShop('UTC', { sendWindow: openNow() }, async () => {
      await adminApi(app.url, 'POST', `/members/${c.memberId}/adjustments`, { points: 600, reason: 'Gift' });
      const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
      const redeemed = await proxyApi(app.url, 'POST', '/redemptions', c.id, { rewardId: reward.id, idempotencyKey: randomUUID() });
      expect(redeemed.status, redeemed.text).toBe(201);
      await settle();
      const code = redeemed.body.redemption.code as string;
      const expiresAt = new Date(Date.now() + 5 * 86_400_000);
      await app.prisma.redemption.update({ where: { id: redeemed.body.redemption.id }, data: { expiresAt } });
      // Sent apart from the other reminders of this test (the unlocked reward): no cap in the way.
      await app.prisma.program.update({
        where: { shop: DEV_SHOP },
        data: { emailSettings: { sendWindow: openNow(), frequencyCapDays: 0 } },
      });
      await remindExpiringCodes(app.db.pool);
      await remindExpiringCodes(app.db.pool);
      await settle();
      await redeliver(c.memberId, 'reward.expiring_soon/send-email');
      const mails = mailTo(c.email, 'reward_expiring');
      expect(mails.map((m) => m.subject)).toEqual([`Twoja nagroda 5 off for 500 points wygasa ${expiresAt.toISOString().slice(0, 10)}`]);
      expect(mails[0]!.text).toContain(code);
    });
  });
});

describe('points_expiring', () => {
  it("sends the expire-points job's notice, then a last chance 3 days before with the points still there", async () => {
    const c = await join('pts-expiring', { locale: 'fr' });
    await withShop('Europe/Paris', { sendWindow: { start: '00:00', end: '23:59' }, frequencyCapDays: 3 }, async () => {
      const expiresAt = new Date(Date.now() + 20 * 86_400_000);
      const expiresOn = expiresAt.toISOString().slice(0, 10);
      // The notice as web/jobs/expire-points.ts records it, delivered twice.
      const notice = { points: 80, expiresOn, expiresAt: expiresAt.toISOString(), policy: 'after-earning' };
      await transaction(app.db.pool, (tx) =>
        emit(tx, {
          type: 'points.expiring_soon',
          shop: DEV_SHOP,
          memberId: c.memberId,
          cause: `job:expire-points:${expiresOn}`,
          data: notice,
        }),
      );
      await settle();
      await redeliver(c.memberId, 'points.expiring_soon/send-email');
      const first = mailTo(c.email, 'points_expiring');
      expect(first.map((m) => m.subject)).toEqual([`80 points expirent le ${expiresOn}`]);

      // More than 3 days before, the job records nothing.
      expect(await emailPointsLastChance({ pool: app.db.pool, mail: app.mail }, new Date(expiresAt.getTime() - 4 * 86_400_000))).toEqual({
        recorded: 0,
      });
      // 17 days on, 3 days before: the last chance, with the 80 points capped at the balance (100 from the signup bonus).
      const later = new Date(expiresAt.getTime() - 2.5 * 86_400_000);
      expect(await emailPointsLastChance({ pool: app.db.pool, mail: app.mail }, later)).toEqual({ recorded: 1 });
      expect(await emailPointsLastChance({ pool: app.db.pool, mail: app.mail }, later)).toEqual({ recorded: 0 });
      await sendDueEmails(sender(), { now: later });
      expect(mailTo(c.email, 'points_expiring').map((m) => m.subject)).toEqual([
        `80 points expirent le ${expiresOn}`,
        `Dernière chance : 80 points expirent le ${expiresOn}`,
      ]);
    });
  });
});

describe('referral_completed', () => {
  it('thanks the referrer once per referral, with its points, even when the settlement emits the event twice', async () => {
    const c = await join('referrer', { locale: 'es' });
    const referral = await app.prisma.referral.create({
      data: { shop: DEV_SHOP, referrerId: c.memberId, code: `REF-${randomUUID().slice(0, 6)}`, status: 'REWARDED', rewardPoints: 500 },
    });
    const orderId = `gid://shopify/Order/${Date.now()}`;
    for (const data of [
      { referralId: referral.id, points: 500, orderId },
      { referralId: referral.id, orderId },
    ]) {
      await transaction(app.db.pool, (tx) =>
        emit(tx, { type: 'referral.completed', shop: DEV_SHOP, memberId: c.memberId, cause: `order:${orderId}`, data }),
      );
    }
    await settle();
    await redeliver(c.memberId, 'referral.completed/send-email');
    const mails = mailTo(c.email, 'referral_completed');
    expect(mails.map((m) => m.subject)).toEqual(['Gracias por recomendar Tally Demo Store a un amigo']);
    expect(mails[0]!.text).toContain('Has ganado 500 puntos');
  });
});

describe('birthday and anniversary', () => {
  it("sends the calendar rule's email with the points it awarded, once per award", async () => {
    const c = await join('calendar', { locale: 'de' });
    await withShop('UTC', { sendWindow: openNow(), frequencyCapDays: 0 }, async () => {
      for (const type of ['birthday', 'anniversary'] as const) {
        const rule = await app.prisma.earnRule.create({ data: { shop: DEV_SHOP, type, name: `Test ${type}`, enabled: false } });
        // The award as web/jobs/calendar-rules.ts writes it (the ledger emits points.earned).
        await transaction(app.db.pool, (tx) =>
          earn(tx, {
            shop: DEV_SHOP,
            memberId: c.memberId,
            points: 250,
            source: 'RULE',
            sourceId: rule.id,
            idempotencyKey: `${type}:${c.memberId}:2026`,
          }),
        );
      }
      await settle();
      await redeliver(c.memberId, 'points.earned/send-email');
      expect(mailTo(c.email, 'birthday').map((m) => m.subject)).toEqual(['Alles Gute zum Geburtstag von Tally Demo Store!']);
      expect(mailTo(c.email, 'anniversary').map((m) => m.subject)).toEqual(['Ein Jahr mehr mit Tally Demo Store!']);
      expect(mailTo(c.email, 'anniversary')[0]!.text).toContain('250 Punkte');
    });
  });
});
