// abandoned_checkout through the real paths: signed checkouts/create and checkouts/update webhooks over HTTP (Shopify's
// sample payload, tests/fixtures/shopify/checkouts-create.json), orders/paid naming the checkout, the
// email-abandoned-checkouts job at fixed clocks, and a real SMTP server in this process. Runs on PGlite and on
// PostgreSQL (TEST_DATABASE_URL).
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { complianceDataRequest, complianceRedact, customerPayload } from '../../dev/payloads.js';
import { DEV_SHOP } from '../../web/config.js';
import { transaction } from '../../web/db/sql.js';
import { emailAbandonedCheckouts } from '../../web/jobs/email-abandoned-checkouts.js';
import { earn } from '../../web/loyalty/ledger.js';
import { useTestApp } from '../helpers/app.js';
import { newCustomer, order } from '../helpers/orders.js';
import { adminApi } from '../helpers/requests.js';
import { useTestSmtp } from '../helpers/smtp.js';
import { delivery, send } from '../helpers/webhooks.js';

const { mailTo, arrived, url: smtpUrl } = await useTestSmtp();

const app = useTestApp({ env: { SMTP_URL: smtpUrl, MAIL_FROM: 'Tally <loyalty@tally.test>' }, checkLedger: true });

const sample = JSON.parse(readFileSync(new URL('../fixtures/shopify/checkouts-create.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;
const HOUR = 3_600_000;
/**
 * Each test's own fixed clock, four days from the next one's, so one test's run of the job never sees another's
 * checkouts (it reminds checkouts untouched for 4 hours but not 3 days), nor does the app's own 5-minute run (today).
 */
let clocks = 0;
function clock() {
  const T0 = new Date(Date.UTC(2026, 9, 1, 8) + clocks++ * 4 * 86_400_000);
  return { T0, at: (hours: number) => new Date(T0.getTime() + hours * HOUR) };
}

const deliver = async (topic: string, payload: unknown, options: { times?: number; eventId?: string } = {}) => {
  const results = await send(app.url, delivery(topic, payload, { eventId: options.eventId }), options.times ?? 1);
  for (const res of results) expect(res.status, JSON.stringify(res.body)).toBe(200);
  return results;
};
const settle = () => app.jobs.events!.settle();
const runJob = (now: Date) =>
  emailAbandonedCheckouts({ pool: app.db.pool, mail: app.mail, programs: app.programs, logger: app.logger }, now);

/** A customer (and member) through customers/create, subscribed to email marketing or not. */
async function join(prefix: string, marketing: boolean) {
  const c = newCustomer(prefix);
  await deliver('customers/create', customerPayload({ ...c, marketing }));
  await settle();
  const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
  return { ...c, memberId: member.id };
}

/** Shopify's sample checkout, as this customer's (or a guest's), last updated at `updatedAt`. */
function checkout(customer: { id: string; email: string } | null, updatedAt: Date, changes: Record<string, unknown> = {}) {
  const token = randomUUID().replaceAll('-', '');
  const payload = {
    ...sample,
    token,
    cart_token: randomUUID().replaceAll('-', ''),
    email: customer?.email ?? 'guest@example.com',
    created_at: updatedAt.toISOString(),
    updated_at: updatedAt.toISOString(),
    abandoned_checkout_url: `https://checkout.local/548380009/checkouts/${token}/recover?key=example-secret-token`,
    customer: customer
      ? {
          ...(sample.customer as object),
          id: `__BIGINT__${customer.id.split('/').pop()}`,
          admin_graphql_api_id: customer.id,
          email: customer.email,
        }
      : null,
    ...changes,
  };
  return { token, payload, url: payload.abandoned_checkout_url };
}

/** The shop sends abandoned_checkout (its postal address set first: marketing needs it), any hour, no cap. */
async function withAbandonedCheckouts<T>(fn: () => Promise<T>): Promise<T> {
  const program = await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } });
  const refused = await adminApi(app.url, 'PUT', '/emails/abandoned_checkout', { enabled: true });
  expect(refused.status).toBe(409);
  await app.prisma.program.update({
    where: { shop: DEV_SHOP },
    data: {
      emailSettings: { postalAddress: '1 Rue de la Paix, 75002 Paris', sendWindow: { start: '00:00', end: '23:59' }, frequencyCapDays: 0 },
    },
  });
  expect((await adminApi(app.url, 'PUT', '/emails/abandoned_checkout', { enabled: true })).status).toBe(200);
  try {
    return await fn();
  } finally {
    await adminApi(app.url, 'PUT', '/emails/abandoned_checkout', { enabled: false });
    await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { emailSettings: program.emailSettings ?? {} } });
  }
}

/** Where a tracked link in the email leads (the click redirect, followed by hand). */
async function linkTarget(html: string, text: string): Promise<string | null> {
  const href = new RegExp(`<a href="([^"]+)"[^>]*>${text}</a>`).exec(html)?.[1];
  if (!href) return null;
  const res = await fetch(href.replaceAll('&amp;', '&'), { redirect: 'manual' });
  return res.headers.get('location');
}

describe('abandoned_checkout', () => {
  it('emails a subscribed member once, 4 h after the last update, with the points and the link back, however often the webhooks come', async () => {
    const { T0, at } = clock();
    const c = await join('abandoned', true);
    await transaction(app.db.pool, (tx) =>
      earn(tx, {
        shop: DEV_SHOP,
        memberId: c.memberId,
        points: 400,
        source: 'RULE',
        sourceId: 'test',
        idempotencyKey: `test:${c.memberId}`,
      }),
    );
    const { token, payload, url } = checkout(c, T0);
    await withAbandonedCheckouts(async () => {
      // The same delivery three times (deduplicated), then the same state as three separate checkouts/update events.
      const first = await deliver('checkouts/create', payload, { times: 3 });
      expect(first.map((r) => (r.body as { outcome: string }).outcome)).toEqual(['processed', 'duplicate', 'duplicate']);
      for (let i = 0; i < 3; i++) await deliver('checkouts/update', payload, { eventId: randomUUID() });
      const stored = await app.prisma.checkout.findUniqueOrThrow({ where: { shop_token: { shop: DEV_SHOP, token } } });
      expect(stored).toMatchObject({ memberId: c.memberId, email: c.email, currencyCode: 'USD', subtotalMinor: 39_800, abandonedUrl: url });

      // Not yet abandoned at 3 h 59 min.
      expect(await runJob(at(3.98))).toMatchObject({ recorded: 0 });
      expect(await runJob(at(4.01))).toMatchObject({ recorded: 1 });
      // Later runs, and the webhooks once more, decide nothing new.
      expect(await runJob(at(4.2))).toMatchObject({ recorded: 0 });
      await deliver('checkouts/update', payload, { eventId: randomUUID() });
      expect(await runJob(at(5))).toMatchObject({ recorded: 0 });

      const mails = await arrived(c.email, 'abandoned_checkout');
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      // 398.00 USD at the default 1 point per unit; 500 points (100 for joining, 400 above) cover two of the three default rewards.
      expect(mail.subject).toBe('Your cart would earn 398 points at Tally Demo Store');
      expect(mail.text).toContain('Complete your order to earn 398 points');
      expect(mail.text).toContain('Free shipping for 300 points (300 points)');
      expect(mail.text).toContain('5 off for 500 points (500 points)');
      expect(mail.text).not.toContain('10% off for 1000 points');
      expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(await linkTarget(mail.html, 'Return to your cart')).toBe(url);
      expect(await app.prisma.emailSend.count({ where: { memberId: c.memberId, key: 'abandoned_checkout' } })).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(mailTo(c.email, 'abandoned_checkout')).toHaveLength(1);
    });
  });

  it('sends nothing for a checkout its order completed, whichever webhook comes first', async () => {
    const { T0, at } = clock();
    const c = await join('completed', true);
    await withAbandonedCheckouts(async () => {
      // The checkout, then the order that names it.
      const before = checkout(c, T0);
      await deliver('checkouts/create', before.payload);
      const paid = order({ customer: c, lines: [{ title: 'IPod Nano', priceMinor: 19_900, quantity: 2 }] }).payload;
      await deliver('orders/paid', { ...paid, checkout_token: before.token });
      // The order first (orders/create), its checkout's update after.
      const after = checkout(c, T0);
      const created = order({ customer: c, lines: [{ title: 'IPod Nano', priceMinor: 19_900, quantity: 1 }] }).payload;
      await deliver('orders/create', { ...created, checkout_token: after.token });
      await deliver('checkouts/update', after.payload);
      await settle();

      for (const { token } of [before, after]) {
        const row = await app.prisma.checkout.findUniqueOrThrow({ where: { shop_token: { shop: DEV_SHOP, token } } });
        expect(row.completedAt).not.toBeNull();
        expect(row.subtotalMinor).toBe(39_800);
      }
      expect(await runJob(at(4.5))).toMatchObject({ recorded: 0 });
      expect(await app.prisma.emailSend.count({ where: { memberId: c.memberId, key: 'abandoned_checkout' } })).toBe(0);
      expect(mailTo(c.email, 'abandoned_checkout')).toEqual([]);
    });
  });

  it('never emails a customer not subscribed to email marketing (logged as suppressed), nor a guest', async () => {
    const { T0, at } = clock();
    const c = await join('not-subscribed', false);
    await withAbandonedCheckouts(async () => {
      const mine = checkout(c, T0);
      await deliver('checkouts/create', mine.payload);
      const guest = checkout(null, T0);
      await deliver('checkouts/create', guest.payload);
      expect(await runJob(at(4.5))).toMatchObject({ recorded: 1 });
      const log = await adminApi(app.url, 'GET', `/emails/log?memberId=${c.memberId}`);
      expect(log.body.sent.filter((s: { key: string }) => s.key === 'abandoned_checkout')).toEqual([
        expect.objectContaining({ key: 'abandoned_checkout', status: 'suppressed' }),
      ]);
      expect(await app.prisma.emailSend.findFirst({ where: { memberId: c.memberId, key: 'abandoned_checkout' } })).toMatchObject({
        reason: 'not subscribed to email marketing in Shopify',
      });
      // The guest's checkout is kept but never decided: no member, no consent.
      const guestRow = await app.prisma.checkout.findUniqueOrThrow({ where: { shop_token: { shop: DEV_SHOP, token: guest.token } } });
      expect(guestRow).toMatchObject({ memberId: null, customerId: null, remindedAt: null });
      await new Promise((r) => setTimeout(r, 300));
      expect(mailTo(c.email, 'abandoned_checkout')).toEqual([]);
      expect(mailTo('guest@example.com')).toEqual([]);
    });
  });

  it('keeps the newest state when updates arrive out of order, and emails that one', async () => {
    const { T0, at } = clock();
    const c = await join('out-of-order', true);
    const newer = checkout(c, at(1), {
      line_items: [{ ...(sample.line_items as object[])[0], quantity: 3 }],
      total_line_items_price: '597.00',
      subtotal_price: '597.00',
    });
    const older = {
      ...newer.payload,
      updated_at: T0.toISOString(),
      abandoned_checkout_url: 'https://checkout.local/old',
      line_items: sample.line_items,
    };
    await withAbandonedCheckouts(async () => {
      await deliver('checkouts/update', newer.payload);
      const late = await deliver('checkouts/update', older);
      expect(late[0]!.body).toMatchObject({ outcome: 'ignored' });
      const row = await app.prisma.checkout.findUniqueOrThrow({ where: { shop_token: { shop: DEV_SHOP, token: newer.token } } });
      expect(row).toMatchObject({ subtotalMinor: 59_700, abandonedUrl: newer.url, sourceUpdatedAt: at(1) });
      // Four hours after the older state is not four hours after the newest.
      expect(await runJob(at(4.5))).toMatchObject({ recorded: 0 });
      expect(await runJob(at(5.1))).toMatchObject({ recorded: 1 });
      const [mail] = await arrived(c.email, 'abandoned_checkout');
      expect(mail!.subject).toBe('Your cart would earn 597 points at Tally Demo Store');
      expect(await linkTarget(mail!.html, 'Return to your cart')).toBe(newer.url);
    });
  });

  it('waits for the send window, and an order placed meanwhile stops it', async () => {
    const { T0, at } = clock();
    const c = await join('window', true);
    const waits = checkout(c, T0);
    const bought = checkout(c, T0);
    await withAbandonedCheckouts(async () => {
      await deliver('checkouts/create', waits.payload);
      await deliver('checkouts/create', bought.payload);
      const program = await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } });
      // 12:30 UTC (4.5 h after T0) is 13:30 or 14:30 in the shop's Warsaw: outside a 15:00–20:00 window, so both wait.
      await app.prisma.program.update({
        where: { shop: DEV_SHOP },
        data: { emailSettings: { ...(program.emailSettings as object), sendWindow: { start: '15:00', end: '20:00' } } },
      });
      expect(await runJob(at(4.5))).toMatchObject({ recorded: 0, waiting: 2 });
      const paid = order({ customer: c, lines: [{ title: 'IPod Nano', priceMinor: 19_900, quantity: 2 }] }).payload;
      await deliver('orders/paid', { ...paid, checkout_token: bought.token });
      // At 14:00 UTC (15:00 or 16:00 in Warsaw) the one still abandoned goes; the one its order completed does not.
      expect(await runJob(at(6))).toMatchObject({ recorded: 1, waiting: 0 });
      expect(await arrived(c.email, 'abandoned_checkout')).toHaveLength(1);
      const rows = await app.prisma.checkout.findMany({ where: { shop: DEV_SHOP, token: { in: [waits.token, bought.token] } } });
      expect(Object.fromEntries(rows.map((r) => [r.token, Boolean(r.remindedAt)]))).toEqual({ [waits.token]: true, [bought.token]: false });
    });
  });

  it('customers/data_request exports the customer’s checkouts, customers/redact deletes them', async () => {
    const { T0 } = clock();
    const c = await join('redacted', true);
    const mine = checkout(c, T0);
    await deliver('checkouts/create', mine.payload);
    const other = await join('kept', true);
    const theirs = checkout(other, T0);
    await deliver('checkouts/create', theirs.payload);
    // customers/data_request exports it (without the resume link, a credential) …
    await deliver('customers/data_request', complianceDataRequest(DEV_SHOP, c.id.split('/').pop()!, 7714));
    const request = await app.prisma.complianceRequest.findFirstOrThrow({ where: { shop: DEV_SHOP, dataRequestId: '7714' } });
    const exported = (request.export as { member: { checkouts: Array<Record<string, unknown>> } }).member.checkouts;
    expect(exported).toEqual([expect.objectContaining({ email: c.email, earnBaseMinor: 39_800, currencyCode: 'USD', completedAt: null })]);
    expect(JSON.stringify(exported)).not.toContain(mine.url);
    // … and customers/redact deletes it.
    await deliver('customers/redact', complianceRedact(DEV_SHOP, c.id.split('/').pop()!));
    expect(await app.prisma.checkout.count({ where: { shop: DEV_SHOP, token: mine.token } })).toBe(0);
    expect(await app.prisma.checkout.count({ where: { shop: DEV_SHOP, token: theirs.token } })).toBe(1);
    expect(await app.prisma.checkout.count({ where: { shop: DEV_SHOP, email: c.email } })).toBe(0);
  });
});
