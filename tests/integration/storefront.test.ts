// The development storefront renders the real theme app extension, and its
// app proxy signs like Shopify: the shopper is whoever the session cookie
// says, never a customer id the browser sends. Also the storefront API the
// widget adds: birthday capture, per-rule earned counts, the member's recent
// orders and the points about to expire.
import { describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { inactivityExpiresAt } from '../../web/loyalty/domain/program.js';
import { releaseOrder } from '../../web/loyalty/order-points.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';
import { useTestApp, withProgramSettings } from '../helpers/app.js';
import { newCustomer, order } from '../helpers/orders.js';
import { delivery, send } from '../helpers/webhooks.js';
import { createMember, credit, spend } from './jobs/support.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' } });

/** The seeded member the "log in as demo member" switch picks. */
const demo = () =>
  app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP }, orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }] });
const numeric = (gid: string) => gid.split('/').pop()!;
const asCustomer = (id: string | null) => ({ cookie: id ? `tally_dev_customer=${id}` : '' });
const page = async (path: string, customer: string | null = null) => {
  const res = await fetch(`${app.url}${path}`, { headers: asCustomer(customer) });
  return { status: res.status, html: await res.text() };
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('dev storefront pages', () => {
  it("computes the product block's points in Liquid from the price and the program rate", async () => {
    const tee = await page('/dev/storefront/products/organic-cotton-tee');
    expect(tee.status).toBe(200);
    expect(text(tee.html)).toContain('Earn 29 points with this purchase');
    // Variants at 129.00 and 149.00.
    expect(text((await page('/dev/storefront/products/rain-jacket')).html)).toContain('Earn 129 to 149 points with this purchase');
  });

  it("paints the member's balance from the customer's metafields; the embed fetches its script and stylesheet only after the page loaded", async () => {
    const member = await demo();
    const { html } = await page('/dev/storefront', numeric(member.customerId));
    // Nothing of the widget's for the browser to fetch while the page paints: no script or stylesheet tag, only the loader's URLs.
    expect(html).not.toMatch(
      /<script src="[^"]*tally-widget\.js"|<link rel="stylesheet" href="[^"]*tally-widget\.css"(?! *>\s*<\/noscript>)/,
    );
    expect(html).toContain("addEventListener('load', ready)");
    expect(html).toContain('"/dev/storefront/assets/tally-widget.js"');
    expect(html).toContain(`data-tally-points="available">${member.pointsAvailable} points<`);
    const guest = await page('/dev/storefront');
    expect(guest.html).toContain('data-action="toggle"');
    expect(guest.html).not.toContain('data-tally-points');
  });

  it('shows the member card with balances and tier on the account page', async () => {
    const member = await demo();
    const tier = await app.prisma.tier.findUniqueOrThrow({ where: { id: member.tierId! } });
    const { html } = await page('/dev/storefront/account', numeric(member.customerId));
    expect(text(html)).toContain(`Available ${member.pointsAvailable} points Pending ${member.pointsPending} points Tier ${tier.name}`);
  });

  it('omits the embed and its script when the merchant turns it off', async () => {
    const { html } = await page('/dev/storefront/products/canvas-tote?embed=off');
    expect(html).not.toContain('<tally-widget');
    expect(html).not.toContain('tally-widget.js');
    expect(text(html)).toContain('Earn 18 points with this purchase');
  });

  it('renders every storefront language', async () => {
    const expected: Record<string, string> = {
      en: 'Use your points',
      'zh-CN': '使用积分',
      pl: 'Wykorzystaj punkty',
      es: 'Usa tus puntos',
      fr: 'Utilisez vos points',
      de: 'Punkte einlösen',
    };
    for (const [locale, heading] of Object.entries(expected)) {
      const { html } = await page(`/dev/storefront/cart?locale=${locale}`);
      expect(html, locale).toContain(`<html lang="${locale}">`);
      expect(html, locale).toContain(heading);
      expect(html, locale).not.toContain('translation missing');
    }
  });

  it('sends a guest to log in from the account page', async () => {
    const res = await fetch(`${app.url}/dev/storefront/account`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/dev/storefront/account/login');
  });

  it('applies a discount link to the cart and only redirects within the store', async () => {
    const res = await fetch(`${app.url}/discount/TALLY-XYZ?redirect=/dev/storefront/cart`, { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('/dev/storefront/cart');
    expect(res.headers.get('set-cookie')).toContain('discount_code=TALLY-XYZ');
    const cart = await fetch(`${app.url}/dev/storefront/cart`, { headers: { cookie: 'discount_code=TALLY-XYZ' } });
    expect(await cart.text()).toContain('<strong data-testid="applied-code">TALLY-XYZ</strong>');
    const away = await fetch(`${app.url}/discount/X?redirect=https://evil.example/`, { redirect: 'manual' });
    expect(away.headers.get('location')).toBe('/dev/storefront');
  });
});

describe('dev app proxy (/apps/tally)', () => {
  it('answers as the logged-in shopper, signed the way Shopify signs', async () => {
    const member = await demo();
    const res = await fetch(`${app.url}/apps/tally/member`, { headers: asCustomer(numeric(member.customerId)) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.member.points.available).toBe(member.pointsAvailable);
  });

  it('ignores a customer id or signature the browser tries to send', async () => {
    const member = await demo();
    const res = await fetch(`${app.url}/apps/tally/member?logged_in_customer_id=${numeric(member.customerId)}&signature=forged`);
    expect(res.status).toBe(200);
    expect((await res.json()).member).toBeNull();
  });

  it('forwards a redemption with its body, and the same idempotency key returns the same redemption', async () => {
    const member = await demo();
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: 'Free shipping for 300 points' } });
    const redeem = () =>
      fetch(`${app.url}/apps/tally/redemptions`, {
        method: 'POST',
        headers: { ...asCustomer(numeric(member.customerId)), 'content-type': 'application/json' },
        body: JSON.stringify({ rewardId: reward.id, idempotencyKey: 'storefront-test-0001' }),
      });
    const first = await redeem();
    expect(first.status).toBe(201);
    const { redemption } = await first.json();
    expect(redemption.code).toMatch(/^[A-Z0-9-]+$/);
    // The code box names the reward the code is for, on the answer and when polled.
    expect(redemption.rewardName).toBe('Free shipping for 300 points');
    const polled = await (
      await fetch(`${app.url}/apps/tally/redemptions/${redemption.id}`, { headers: asCustomer(numeric(member.customerId)) })
    ).json();
    expect(polled.redemption.rewardName).toBe('Free shipping for 300 points');
    const again = await (await redeem()).json();
    expect(again.redemption.id).toBe(redemption.id);
    const after = await app.prisma.member.findUniqueOrThrow({ where: { id: member.id } });
    expect(after.pointsAvailable).toBe(member.pointsAvailable - 300);
  });
});

describe('the ladder of tiers and the perks (GET /proxy/member), rewards that fit a cart (GET /proxy/rewards)', () => {
  it("gives guests and members every tier, lowest first, with its threshold and perks, and the member their own tier's perks", async () => {
    const tiers = await app.prisma.tier.findMany({ where: { shop: DEV_SHOP }, orderBy: { threshold: 'asc' } });
    expect(tiers.length).toBeGreaterThan(1);
    const entry = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: 'Free shipping for 300 points' } });
    const top = tiers.at(-1)!;
    const perks = top.perks as Record<string, unknown>;
    await app.prisma.tier.update({
      where: { id: top.id },
      data: { perks: { ...perks, entryRewardId: entry.id, freeShipping: true, birthdayBonus: 250, tag: 'vip-internal' } },
    });
    app.programs.forget(DEV_SHOP);
    try {
      const guest = await (await fetch(`${app.url}/apps/tally/member`)).json();
      expect(guest.member).toBeNull();
      expect(guest.program.tierBasis).toBe('points-earned');
      expect(guest.program.tiers.map((t: { name: string; threshold: number }) => [t.name, t.threshold])).toEqual(
        tiers.map((t) => [t.name, t.threshold]),
      );
      const rung = guest.program.tiers.at(-1);
      expect(rung.perks).toEqual({
        multiplier: (perks.multiplier as string) ?? '1',
        freeShipping: true,
        birthdayBonus: 250,
        entryReward: 'Free shipping for 300 points',
      });
      // The Shopify tag is the merchant's business, not the shopper's.
      expect(JSON.stringify(guest.program.tiers)).not.toContain('vip-internal');

      const member = await demo();
      const body = await (await fetch(`${app.url}/apps/tally/member`, { headers: asCustomer(numeric(member.customerId)) })).json();
      const held = tiers.find((t) => t.id === member.tierId)!;
      expect(body.member.tier.id).toBe(held.id);
      expect(body.member.tier.perks).toEqual(body.program.tiers.find((t: { id: string }) => t.id === held.id).perks);
      expect(body.member.tier.perks).not.toHaveProperty('tag');
    } finally {
      await app.prisma.tier.update({ where: { id: top.id }, data: { perks: perks as object } });
      app.programs.forget(DEV_SHOP);
    }
  });

  it('tells the widget the cart subtotal each discount code needs (null for rewards not used at the cart)', async () => {
    const reward = await app.prisma.reward.create({
      data: { shop: DEV_SHOP, type: 'store-credit', name: 'Credit for the ladder test', config: { pointsCost: 100, amountMinor: 100 } },
    });
    const code = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    try {
      const { rewards } = await (await fetch(`${app.url}/apps/tally/rewards`)).json();
      const byName = (name: string) => rewards.find((r: { name: string }) => r.name === name);
      expect(byName('5 off for 500 points').minimumSubtotal).toBe(
        (code.config as { minimumSubtotalMinor?: number }).minimumSubtotalMinor ?? 0,
      );
      expect(byName('Credit for the ladder test').minimumSubtotal).toBeNull();
    } finally {
      await app.prisma.reward.delete({ where: { id: reward.id } });
    }
  });
});

describe('birthday capture (POST /proxy/birthday)', () => {
  const proxy = async (customerId: string | null, body: unknown, method = 'POST') => {
    const q = signedProxyQuery({ shop: DEV_SHOP, customerId }, DEV_API_SECRET);
    const res = await fetch(`${app.url}/proxy/${method === 'POST' ? 'birthday' : 'member'}?${q}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json() };
  };
  const freshMember = async () => {
    const c = newCustomer('birthday');
    await app.prisma.member.create({ data: { shop: DEV_SHOP, customerId: c.id, email: c.email } });
    return numeric(c.id);
  };

  it('saves month and day once; the member then carries it and a second attempt changes nothing', async () => {
    const id = await freshMember();
    expect(await proxy(id, { month: 2, day: 29 })).toEqual({ status: 200, body: { birthday: { month: 2, day: 29 } } });
    expect((await proxy(id, null, 'GET')).body.member.birthday).toEqual({ month: 2, day: 29 });
    const again = await proxy(id, { month: 7, day: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('BIRTHDAY_SET');
    expect((await proxy(id, null, 'GET')).body.member.birthday).toEqual({ month: 2, day: 29 });
  });

  it('refuses impossible dates, extra fields and guests, and changes nothing', async () => {
    const id = await freshMember();
    for (const bad of [
      { month: 4, day: 31 },
      { month: 13, day: 1 },
      { month: 1, day: 0 },
      { month: '1', day: 2 },
      { month: 1, day: 2, year: 1990 },
    ]) {
      const res = await proxy(id, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    expect((await proxy(id, null, 'GET')).body.member.birthday).toBeNull();
    expect((await proxy(null, { month: 1, day: 2 })).status).toBe(401);
    expect((await proxy(numeric(newCustomer('nobody').id), { month: 1, day: 2 })).status).toBe(404);
  });

  it('reports how many times the member earned each way to earn', async () => {
    const member = await demo();
    const { body } = await proxy(numeric(member.customerId), null, 'GET');
    const signup = body.program.waysToEarn.find((w: { type: string }) => w.type === 'signup');
    expect(signup.earned).toBe(1);
    const purchase = body.program.waysToEarn.find((w: { type: string }) => w.type === 'purchase');
    expect(purchase.earned).toBe(0);
  });
});

describe("the member panel's recent orders and points about to expire", () => {
  const memberPayload = async (customerId: string) =>
    (await (await fetch(`${app.url}/apps/tally/member`, { headers: asCustomer(numeric(customerId)) })).json()).member;
  const DAY = 86_400_000;

  it('lists the five latest sales (through the order webhooks) with the points each holds, pending or available', async () => {
    const c = newCustomer('recent');
    // Six paid orders a day apart (10.00 … 60.00: 10 … 60 points at 1 point a unit), placed in the past.
    const placed: Array<ReturnType<typeof order> & { at: string }> = [];
    for (let i = 1; i <= 6; i++) {
      const o = order({ customer: c, lines: [{ title: 'Mug', priceMinor: 1000 * i }] });
      const at = new Date(Date.now() - (7 - i) * DAY).toISOString();
      const payload = { ...o.payload, processed_at: at, created_at: at };
      expect((await send(app.url, delivery('orders/paid', payload)))[0]!.status).toBe(200);
      placed.push({ ...o, payload, at });
    }
    // The fourth is cancelled (no longer a sale), the fifth's points are released early.
    const cancelledAt = new Date().toISOString();
    const fourth = placed[3]!.payload;
    await send(
      app.url,
      delivery('orders/cancelled', { ...fourth, cancelled_at: cancelledAt, financial_status: 'voided', updated_at: cancelledAt }),
    );
    await app.prisma.$transaction((tx) => releaseOrder(tx, DEV_SHOP, placed[4]!.facts.orderId));
    const due = async (i: number) =>
      (
        await app.prisma.order.findUniqueOrThrow({ where: { shop_orderId: { shop: DEV_SHOP, orderId: placed[i]!.facts.orderId } } })
      ).pointsAvailableAt!.toISOString();

    const member = await memberPayload(c.id);
    const expected = async (i: number, pending: boolean) => ({
      name: placed[i]!.payload.name,
      processedAt: placed[i]!.at,
      points: 10 * (i + 1),
      pending,
      availableAt: pending ? await due(i) : null,
    });
    expect(member.orders).toEqual([
      await expected(5, true),
      await expected(4, false),
      await expected(2, true),
      await expected(1, true),
      await expected(0, true),
    ]);
    // The demo program's points never expire: nothing about to expire.
    expect(member.expiring).toBeNull();
  });

  it('gives the points expiring first within the "expiring soon" window, FIFO after what was spent', async () => {
    const now = Date.now();
    const at = (days: number) => new Date(Math.floor((now + days * DAY) / 1000) * 1000);
    const policy = { kind: 'after-earning', months: 12 } as const;
    await withProgramSettings(app, DEV_SHOP, { expiry: policy, expiringSoonDays: 14 }, async () => {
      const m = await createMember(app);
      await credit(app, m.id, 80, at(-360), at(3)); // expires in 3 days
      await credit(app, m.id, 20, at(-358), at(5)); // in 5 days
      await credit(app, m.id, 50, at(-300), at(60)); // beyond the 14 days
      await spend(app, m.id, 5, at(-100)); // used the oldest credit first
      // 80 − 5 = 75 expire first, in 3 days (the 20 follow two days later).
      expect((await memberPayload(m.customerId)).expiring).toEqual({ points: 75, at: at(3).toISOString() });

      // A member who spent all but what expires in 60 days: nothing about to expire.
      const spent = await createMember(app);
      await credit(app, spent.id, 40, at(-360), at(3));
      await credit(app, spent.id, 30, at(-300), at(60));
      await spend(app, spent.id, 40, at(-10));
      expect((await memberPayload(spent.customerId)).expiring).toBeNull();
    });
  });

  it('gives the whole balance and its date under inactivity expiry, only once the date is within the window', async () => {
    const policy = { kind: 'after-inactivity', months: 6 } as const;
    await withProgramSettings(app, DEV_SHOP, { expiry: policy, expiringSoonDays: 14 }, async () => {
      const m = await createMember(app);
      await credit(app, m.id, 120, new Date(Date.now() - 200 * DAY));
      const lastActivityAt = new Date(Date.now() - 178 * DAY); // about 6 months ago less 4 days
      await app.prisma.member.update({ where: { id: m.id }, data: { lastActivityAt } });
      const expiresAt = inactivityExpiresAt(lastActivityAt, policy)!;
      expect(expiresAt.getTime() - Date.now()).toBeLessThan(14 * DAY);
      expect((await memberPayload(m.customerId)).expiring).toEqual({ points: 120, at: expiresAt.toISOString() });
      // Active a month ago: the date is months away, not about to expire.
      await app.prisma.member.update({ where: { id: m.id }, data: { lastActivityAt: new Date(Date.now() - 30 * DAY) } });
      expect((await memberPayload(m.customerId)).expiring).toBeNull();
    });
  });
});
