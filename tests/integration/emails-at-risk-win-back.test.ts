// Shopper emails, slice 4: tier_at_risk from the review-tiers job, and win_back (marketing) from its daily job, through
// the real paths to a real SMTP server in this process. The marketing rule of the Done-when: a marketing
// message never reaches a customer who is not subscribed in Shopify, and reaches one who is, with the shop's postal
// address in its footer. Runs on PGlite and on PostgreSQL (TEST_DATABASE_URL).
import { describe, expect, it } from 'vitest';
import { customerPayload } from '../../dev/payloads.js';
import { DEV_SHOP } from '../../web/config.js';
import { transaction } from '../../web/db/sql.js';
import { isoLocalDate } from '../../web/email/order-day.js';
import { sendDueEmails } from '../../web/email/sender.js';
import { emit } from '../../web/events/emit.js';
import { sweepConsentToShopify } from '../../web/jobs/email-consent-to-shopify.js';
import { emailWinBack } from '../../web/jobs/email-win-back.js';
import { onPool, reviewTiers } from '../../web/jobs/review-tiers.js';
import { useTestApp, withProgramSettings, withTierPolicy } from '../helpers/app.js';
import { newCustomer, order, refund } from '../helpers/orders.js';
import { adminApi } from '../helpers/requests.js';
import { useTestSmtp } from '../helpers/smtp.js';
import { delivery, send } from '../helpers/webhooks.js';

const { mailTo, url: smtpUrl } = await useTestSmtp();
const app = useTestApp({ env: { SMTP_URL: smtpUrl, MAIL_FROM: 'Tally <loyalty@tally.test>' }, checkLedger: true });

const DAY = 86_400_000;
const settle = () => app.jobs.events!.settle();
const deliver = async (topic: string, payload: unknown, times = 1) => {
  const results = await send(app.url, delivery(topic, payload), times);
  for (const res of results) expect(res.status, JSON.stringify(res.body)).toBe(200);
};
const memberOf = (customerId: string) =>
  app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId } } });
/** A new customer (and member) through customers/create. */
async function join(prefix: string, extra: { marketing?: boolean; locale?: string } = {}) {
  const c = newCustomer(prefix);
  await deliver('customers/create', {
    ...customerPayload({ ...c, marketing: extra.marketing }),
    ...(extra.locale ? { locale: extra.locale } : {}),
  });
  await settle();
  return { ...c, memberId: (await memberOf(c.id)).id };
}
const sender = () => ({ pool: app.db.pool, mail: app.mail!, logger: app.logger });
const log = async (memberId: string) =>
  (await adminApi(app.url, 'GET', `/emails/log?memberId=${memberId}`)).body.sent as Array<{
    key: string;
    status: string;
    reason: string | null;
  }>;

/** The shop's email settings for the test (send window open all day, no cap unless given), then put back. */
async function withEmailSettings<T>(emailSettings: object, fn: () => Promise<T>): Promise<T> {
  const program = await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } });
  await app.prisma.program.update({
    where: { shop: DEV_SHOP },
    data: { emailSettings: { sendWindow: { start: '00:00', end: '23:59' }, frequencyCapDays: 0, ...emailSettings } },
  });
  try {
    return await fn();
  } finally {
    await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { emailSettings: program.emailSettings ?? {} } });
  }
}

describe('tier_at_risk', () => {
  it(
    'tells a member once per tier period, when the review finds the tier going within 30 days, what keeps it',
    { timeout: 120_000 },
    async () => {
      const tiers = Object.fromEntries((await app.prisma.tier.findMany({ where: { shop: DEV_SHOP } })).map((t) => [t.name, t]));
      const c = await join('at-risk');
      const o = order({ customer: c, lines: [{ title: 'Coat', priceMinor: 50_000, quantity: 3 }] });
      await withEmailSettings({}, () =>
        withTierPolicy(app, DEV_SHOP, { downgrade: { kind: 'after-retention', months: 2 } }, async () => {
          await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, () => deliver('orders/paid', o.payload));
          // Two coats of three come back: Gold is kept for two months, but 100 + 500 points only earn Silver.
          await deliver('refunds/create', refund(o.facts, { fraction: 2 / 3 }));
          await settle();
          const gold = await memberOf(c.id);
          expect(gold.tierId).toBe(tiers.Gold!.id);
          const keptUntil = gold.tierKeptUntil!;
          const review = async (at: Date) =>
            expect((await reviewTiers(app.prisma, app.programs, at, onPool(app.db.pool))).failures).toEqual([]);

          await review(new Date(keptUntil.getTime() - 40 * DAY)); // further off than 30 days: nothing yet
          await settle();
          expect(mailTo(c.email, 'tier_at_risk')).toEqual([]);
          await review(new Date(keptUntil.getTime() - 20 * DAY));
          await review(new Date(keptUntil.getTime() - 10 * DAY)); // the same period: told once
          await settle();
          // The subscriber's event delivered again, as an at-least-once dispatcher may: still one email.
          await app.prisma.eventDelivery.updateMany({
            where: { memberId: gold.id, subscriber: 'tier.at_risk/send-email' },
            data: { status: 'pending', nextAttemptAt: new Date(), doneAt: null },
          });
          await settle();
          const mails = mailTo(c.email, 'tier_at_risk');
          expect(mails.map((m) => m.subject)).toEqual(['Keep your Gold status at Tally Demo Store']);
          const shop = await app.prisma.shop.findUniqueOrThrow({ where: { domain: DEV_SHOP } });
          const text = mails[0]!.text.replace(/\s+/g, ' ');
          expect(text).toContain(`Your Gold status runs until ${isoLocalDate(keptUntil, shop.ianaTimezone)}.`);
          expect(text).toContain(`To keep it, earn ${tiers.Gold!.threshold - 600} more points before then.`);
          expect(mails[0]!.headers['list-unsubscribe']).toMatch(/[?&]c=reminder&/);
        }),
      );
    },
  );

  it('says what to spend in the shop currency, in the member language, on an amount-spent policy', async () => {
    const c = await join('at-risk-spend', { locale: 'de' });
    await withEmailSettings({}, () =>
      withTierPolicy(app, DEV_SHOP, { basis: 'amount-spent' }, async () => {
        await transaction(app.db.pool, (tx) =>
          emit(tx, {
            type: 'tier.at_risk',
            shop: DEV_SHOP,
            memberId: c.memberId,
            cause: 'job:review-tiers',
            data: { tierId: 'silver-test', tierName: 'Silber', keptUntil: '2027-01-01T05:00:00.000Z', pointsShort: 4_550 },
          }),
        );
        await settle();
        const [mail] = mailTo(c.email, 'tier_at_risk');
        expect(mail!.subject).toBe('Behalten Sie Ihre Stufe Silber bei Tally Demo Store');
        expect(mail!.text.replace(/\s+/g, ' ')).toMatch(/kaufen Sie bis dahin noch für 45,50 \$ ein/);
      }),
    );
  });
});

describe('the Emails page preview', () => {
  it('renders tier_at_risk and win_back with readable sample values', async () => {
    const atRisk = await adminApi(app.url, 'POST', '/emails/tier_at_risk/preview', { locale: 'en' });
    expect(atRisk.status).toBe(200);
    expect(atRisk.body.text.replace(/\s+/g, ' ')).toMatch(/runs until \d{4}-\d{2}-\d{2}\. To keep it, earn 250 more points before then\./);
    const winBack = await adminApi(app.url, 'POST', '/emails/win_back/preview', { locale: 'pl' });
    expect(winBack.status).toBe(200);
    expect(winBack.body.text.replace(/\s+/g, ' ')).toContain('minęło 130 dni. Na powitanie dodaliśmy do Twojego konta 200 pkt');
  });
});

describe('win_back (marketing)', () => {
  it('cannot be switched on before the shop has a postal address', async () => {
    await withEmailSettings({}, async () => {
      const refused = await adminApi(app.url, 'PUT', '/emails/win_back', { enabled: true });
      expect(refused.status).toBe(409);
    });
    const messages = (await adminApi(app.url, 'GET', '/emails')).body.messages as Array<{
      key: string;
      enabled: boolean;
      category: string;
    }>;
    expect(messages.find((m) => m.key === 'win_back')).toEqual(expect.objectContaining({ enabled: false, category: 'marketing' }));
  });

  it(
    'never reaches a customer who is not subscribed, reaches one who is (postal address in the footer, bonus points once)',
    { timeout: 120_000 },
    async () => {
      const address = '12 Harbour Road, Portsmouth PO1 3AX';
      const subscribed = await join('wb-subscribed', { marketing: true });
      const notSubscribed = await join('wb-not-subscribed', { marketing: false });
      const withdraws = await join('wb-withdraws', { marketing: true });
      const recent = await join('wb-recent', { marketing: true });
      // Each orders today; the job runs 125 days on (the recent buyer orders again 100 days on).
      for (const c of [subscribed, notSubscribed, withdraws, recent])
        await deliver('orders/paid', order({ customer: c, lines: [{ title: 'Mug', priceMinor: 1_500, quantity: 1 }] }).payload);
      const later = new Date(Date.now() + 125 * DAY);
      await app.prisma.order.updateMany({
        where: { shop: DEV_SHOP, memberId: recent.memberId },
        data: { processedAt: new Date(Date.now() + 100 * DAY) },
      });
      await settle();

      await withEmailSettings({ postalAddress: address, winBackPoints: 250 }, async () => {
        expect((await adminApi(app.url, 'PUT', '/emails/win_back', { enabled: true })).status).toBe(200);
        try {
          const before = await app.prisma.member.findMany({
            where: { id: { in: [subscribed.memberId, notSubscribed.memberId] } },
            select: { id: true, pointsAvailable: true },
          });
          const deps = { pool: app.db.pool, programs: app.programs, prisma: app.prisma };
          // The seed's lapsed members are decided too; the three here: two to go (with their bonus), one suppressed.
          const first = await emailWinBack(deps, later);
          expect(first.failures).toEqual([]);
          expect(first.bonuses).toBeGreaterThanOrEqual(2);
          // Again (a retried job, a second worker): nothing more, no second bonus.
          expect(await emailWinBack(deps, later)).toMatchObject({ queued: 0, suppressed: 0, bonuses: 0 });

          // One of the two withdraws consent in Shopify before the email goes.
          await deliver('customers/update', customerPayload({ ...withdraws, marketing: false }));
          await sendDueEmails(sender(), { now: later });

          const [mail, ...more] = mailTo(subscribed.email, 'win_back');
          expect(more).toEqual([]);
          expect(mail!.subject).toBe('We miss you at Tally Demo Store');
          expect(mail!.text).toContain('250 points');
          expect(mail!.text).toContain(address);
          expect(mail!.html).toContain(address);
          expect(mail!.headers['list-unsubscribe']).toMatch(/[?&]c=marketing&/);
          expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

          expect(mailTo(notSubscribed.email, 'win_back')).toEqual([]);
          expect(mailTo(withdraws.email, 'win_back')).toEqual([]);
          expect(mailTo(recent.email, 'win_back')).toEqual([]);
          expect((await log(notSubscribed.memberId)).find((s) => s.key === 'win_back')).toMatchObject({
            status: 'suppressed',
            reason: 'not subscribed to email marketing in Shopify',
          });
          expect((await log(subscribed.memberId)).find((s) => s.key === 'win_back')).toMatchObject({ status: 'sent' });
          // Decided while subscribed, suppressed when it was to go: consent is asked again at the send.
          expect((await log(withdraws.memberId)).find((s) => s.key === 'win_back')).toMatchObject({
            status: 'suppressed',
            reason: 'not subscribed to email marketing in Shopify',
          });
          expect((await log(recent.memberId)).find((s) => s.key === 'win_back')).toBeUndefined();

          const after = new Map(
            (
              await app.prisma.member.findMany({
                where: { id: { in: [subscribed.memberId, notSubscribed.memberId] } },
                select: { id: true, pointsAvailable: true },
              })
            ).map((m) => [m.id, m.pointsAvailable]),
          );
          const was = new Map(before.map((m) => [m.id, m.pointsAvailable]));
          expect(Number(after.get(subscribed.memberId)) - Number(was.get(subscribed.memberId))).toBe(250);
          expect(after.get(notSubscribed.memberId)).toEqual(was.get(notSubscribed.memberId));
        } finally {
          await adminApi(app.url, 'PUT', '/emails/win_back', { enabled: false });
        }
      });
    },
  );

  it(
    'one-click unsubscribe from marketing stops it and tells Shopify (customerEmailMarketingConsentUpdate), retried while Shopify fails',
    { timeout: 180_000 },
    async () => {
      const c = await join('wb-unsubscribes', { marketing: true });
      await deliver('orders/paid', order({ customer: c, lines: [{ title: 'Mug', priceMinor: 1_500, quantity: 1 }] }).payload);
      await settle();
      // Shopify knows the customer and their address (the stand-in validates the mutation against the 2026-10 schema).
      app.standin!.control.upsertCustomer(DEV_SHOP, {
        id: c.id,
        email: c.email,
        emailMarketing: { state: 'SUBSCRIBED', optInLevel: 'SINGLE_OPT_IN', updatedAt: null },
      });
      const later = new Date(Date.now() + 121 * DAY);
      await withEmailSettings({ postalAddress: '1 Main St, Springfield' }, async () => {
        expect((await adminApi(app.url, 'PUT', '/emails/win_back', { enabled: true })).status).toBe(200);
        try {
          await emailWinBack({ pool: app.db.pool, programs: app.programs, prisma: app.prisma }, later);
          await sendDueEmails(sender(), { now: later });
        } finally {
          await adminApi(app.url, 'PUT', '/emails/win_back', { enabled: false });
        }
      });
      const [mail] = mailTo(c.email, 'win_back');
      const link = new URL(/^<(.+)>$/.exec(mail!.headers['list-unsubscribe']!)![1]!);
      expect(link.searchParams.get('c')).toBe('marketing');

      // Shopify is down for the first attempt: the job fails and is retried.
      app.standin!.control.failNext('http503', { field: 'customerEmailMarketingConsentUpdate' });
      const res = await fetch(`${app.url}${link.pathname}${link.search}`, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(200);
      expect((await memberOf(c.id)).emailMarketingState).toBe('UNSUBSCRIBED');
      const unsubscribedAt = (
        await app.prisma.emailUnsubscribe.findUniqueOrThrow({
          where: { shop_memberId_category: { shop: DEV_SHOP, memberId: c.memberId, category: 'marketing' } },
        })
      ).createdAt;

      const consentCalls = () =>
        app.standin!.state.requests.filter((r) => r.fields.includes('customerEmailMarketingConsentUpdate') && r.shop === DEV_SHOP);
      // The job marks the unsubscribe sent once Shopify answered (polled: the worker runs it, its retry waits a backoff).
      const unsubscribeRow = () =>
        app.prisma.emailUnsubscribe.findUniqueOrThrow({
          where: { shop_memberId_category: { shop: DEV_SHOP, memberId: c.memberId, category: 'marketing' } },
        });
      for (let waited = 0; (await unsubscribeRow()).shopifySyncedAt === null && waited < 150_000; waited += 200)
        await new Promise((r) => setTimeout(r, 200));
      expect(app.standin!.state.customer(DEV_SHOP, c.id)?.emailMarketing).toEqual({
        state: 'UNSUBSCRIBED',
        optInLevel: 'SINGLE_OPT_IN',
        updatedAt: unsubscribedAt.toISOString().replace(/\.\d{3}Z$/, '.000Z'),
      });
      const calls = consentCalls().filter((r) => (r.variables.input as { customerId: string }).customerId === c.id);
      expect(calls.map((r) => r.outcome)).toEqual(['fault:http503', 'ok']);
      expect((await unsubscribeRow()).shopifySyncedAt).not.toBeNull();

      // The next marketing message is suppressed: the member unsubscribed.
      const again = new Date(Date.now() + 400 * DAY);
      await deliver('orders/paid', order({ customer: c, lines: [{ title: 'Cup', priceMinor: 1_500, quantity: 1 }] }).payload);
      await app.prisma.order.updateMany({ where: { memberId: c.memberId }, data: { processedAt: new Date(again.getTime() - 121 * DAY) } });
      await withEmailSettings({ postalAddress: '1 Main St, Springfield' }, async () => {
        expect((await adminApi(app.url, 'PUT', '/emails/win_back', { enabled: true })).status).toBe(200);
        try {
          await emailWinBack({ pool: app.db.pool, programs: app.programs, prisma: app.prisma }, again);
          await sendDueEmails(sender(), { now: again });
        } finally {
          await adminApi(app.url, 'PUT', '/emails/win_back', { enabled: false });
        }
      });
      expect(mailTo(c.email, 'win_back')).toHaveLength(1);
    },
  );
});

describe('customers_email_marketing_consent/update', () => {
  const consent = (customerId: string, state: string | null, at: Date | null, extra: Record<string, unknown> = {}) => ({
    customer_id: Number(customerId.split('/').pop()),
    email_address: null,
    email_marketing_consent: { state, opt_in_level: 'single_opt_in', consent_updated_at: at?.toISOString() ?? null },
    ...extra,
  });
  const sendConsent = async (payload: unknown, headers: Record<string, string> = {}) => {
    const d = delivery('customers_email_marketing_consent/update', payload);
    Object.assign(d.headers, headers);
    const [res] = await send(app.url, d);
    return res as { status: number; body: { outcome?: string } };
  };

  it('keeps the member state current; an older delivery (of this topic or customers/update) never overwrites a newer one', async () => {
    const c = await join('consent', { marketing: false });
    const state = async () => (await memberOf(c.id)).emailMarketingState;
    expect(await state()).toBe('NOT_SUBSCRIBED');
    const t = (minutes: number) => new Date(Date.now() + minutes * 60_000);

    const subscribe = delivery('customers_email_marketing_consent/update', consent(c.id, 'subscribed', t(2)));
    const first = await send(app.url, subscribe, 2); // Shopify's retry of one event: applied once
    expect(first.map((r) => (r.body as { outcome: string }).outcome)).toEqual(['processed', 'duplicate']);
    expect(await state()).toBe('SUBSCRIBED');
    expect((await memberOf(c.id)).acceptsMarketing).toBe(true);

    // Delivered late: an unsubscribe set a minute before the subscription, and a customers/update older still.
    expect((await sendConsent(consent(c.id, 'unsubscribed', t(1)))).body.outcome).toBe('ignored');
    const stale = customerPayload({ ...c, marketing: false });
    await deliver('customers/update', {
      ...stale,
      email_marketing_consent: { ...stale.email_marketing_consent, consent_updated_at: t(0.5).toISOString() },
    });
    expect(await state()).toBe('SUBSCRIBED');

    // A newer one applies; without consent_updated_at, the delivery's X-Shopify-Triggered-At dates it.
    expect((await sendConsent(consent(c.id, 'unsubscribed', t(3)))).body.outcome).toBe('processed');
    expect(await state()).toBe('UNSUBSCRIBED');
    expect((await sendConsent(consent(c.id, 'subscribed', null), { 'x-shopify-triggered-at': t(2.5).toISOString() })).body.outcome).toBe(
      'ignored',
    );
    const triggered = t(4);
    expect((await sendConsent(consent(c.id, 'pending', null), { 'x-shopify-triggered-at': triggered.toISOString() })).body.outcome).toBe(
      'processed',
    );
    expect(await state()).toBe('PENDING');
    expect((await memberOf(c.id)).emailMarketingConsentAt).toEqual(triggered);

    // A customer Tally has no member for, and a forged signature.
    expect((await sendConsent(consent(newCustomer('stranger').id, 'subscribed', t(5)))).body.outcome).toBe('ignored');
    const forged = delivery('customers_email_marketing_consent/update', consent(c.id, 'subscribed', t(6)), { secret: 'not-the-secret' });
    expect((await send(app.url, forged))[0]!.status).toBe(401);
    expect(await state()).toBe('PENDING');
  });

  it("a newer subscription in Shopify lifts an older marketing unsubscribe made in Tally's email; an older one does not", async () => {
    const c = await join('resubscribe', { marketing: true });
    await app.prisma.emailUnsubscribe.create({
      data: { shop: DEV_SHOP, memberId: c.memberId, category: 'marketing', createdAt: new Date(Date.now() + 60_000) },
    });
    const unsubscribed = () =>
      app.prisma.emailUnsubscribe.count({ where: { shop: DEV_SHOP, memberId: c.memberId, category: 'marketing' } });
    expect((await sendConsent(consent(c.id, 'subscribed', new Date(Date.now() + 30_000)))).body.outcome).toBe('processed');
    expect(await unsubscribed()).toBe(1);
    expect((await sendConsent(consent(c.id, 'subscribed', new Date(Date.now() + 120_000)))).body.outcome).toBe('processed');
    expect(await unsubscribed()).toBe(0);
  });

  it('a marketing unsubscribe no job settled (it gave up, or was never queued) is sent by the sweep, once', async () => {
    const c = await join('sweep', { marketing: true });
    app.standin!.control.upsertCustomer(DEV_SHOP, { id: c.id, email: c.email });
    const asked = new Date(Date.now() - 20 * 60_000);
    await app.prisma.emailUnsubscribe.create({ data: { shop: DEV_SHOP, memberId: c.memberId, category: 'marketing', createdAt: asked } });
    const deps = { pool: app.db.pool, admin: app.admin, logger: app.logger };
    // Shopify is down: the sweep leaves it for the next one.
    app.standin!.control.failNext('http503', { field: 'customerEmailMarketingConsentUpdate' });
    expect((await sweepConsentToShopify(deps)).failed).toBeGreaterThanOrEqual(1);
    expect(app.standin!.state.customer(DEV_SHOP, c.id)?.emailMarketing).toBeUndefined();
    await sweepConsentToShopify(deps);
    expect(app.standin!.state.customer(DEV_SHOP, c.id)?.emailMarketing).toMatchObject({
      state: 'UNSUBSCRIBED',
      updatedAt: asked.toISOString().replace(/\.\d{3}Z$/, '.000Z'),
    });
    const before = app.standin!.state.requests.length;
    await sweepConsentToShopify(deps);
    const again = app
      .standin!.state.requests.slice(before)
      .filter((r) => (r.variables.input as { customerId?: string } | undefined)?.customerId === c.id);
    expect(again).toEqual([]);
  });
});
