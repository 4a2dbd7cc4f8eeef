// The admin UI's API: onboarding, settings, widget, earn rules, rewards of
// every type, the member list (search, filters, sort, cursor) and its CSV
// export, and the dashboard's figures moving after an order.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';
import { orderPayload } from '../../dev/payloads.js';
import { rewardTypes } from '../../web/loyalty/domain/rewards/index.js';
import { ruleTypes } from '../../web/loyalty/domain/rules/index.js';
import { useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { delivery, send } from '../helpers/webhooks.js';
import { HUNDRED, newCustomer, order } from '../helpers/orders.js';
import { addDays, shopToday } from '../helpers/days.js';

const NEW_SHOP = 'fresh-store.myshopify.com';
let api: ReturnType<typeof adminApi>;
let fresh: ReturnType<typeof adminApi>;

const app = useTestApp();
beforeAll(async () => {
  await app.prisma.shop.create({ data: { domain: NEW_SHOP, name: 'Fresh Store', currencyCode: 'EUR' } });
  api = adminApi(app.url);
  fresh = adminApi(app.url, NEW_SHOP);
});

/** A valid config for every registry type, so each type is created through the API. */
const REWARD_CONFIGS: Record<string, unknown> = {
  'fixed-amount': { pointsCost: 500, amountMinor: 500 },
  percentage: { pointsCost: 800, percentage: 15, appliesTo: { kind: 'collections', collectionIds: ['123'] } },
  'free-shipping': { pointsCost: 300, maxShippingMinor: 1500 },
  'free-product': { pointsCost: 1200, variantId: '456' },
  'points-slider': { pointsStep: 100, amountPerStepMinor: 100, minPoints: 100, maxPoints: 2000 },
  'store-credit': { pointsCost: 1000, amountMinor: 1000, expiresInDays: 90 },
  donation: { pointsCost: 500, amountMinor: 500, cause: 'Local food bank' },
};
const RULE_CONFIGS: Record<string, unknown> = {
  purchase: { rate: '2' },
  'fixed-per-order': { points: 50, minimumOrderMinor: 2000 },
  signup: { points: 200 },
  birthday: { points: 100 },
  anniversary: { pointsPerYear: 250 },
  newsletter: { points: 50 },
  'custom-action': { name: 'Follow us', points: 20, limitPerMember: 1 },
  cashback: { percentage: '2.5', minimumOrderMinor: 1000, expiresInDays: 365 },
};

describe('admin API: onboarding and settings', () => {
  it('a new shop has no program; one click creates the default program with its rules and rewards, once', async () => {
    expect((await fresh('GET', '/program')).body).toMatchObject({ program: null, shop: { domain: NEW_SHOP, currencyCode: 'EUR' } });
    const created = await fresh('POST', '/program', { name: 'Fresh Points' });
    expect(created.status).toBe(201);
    expect(created.body.program).toMatchObject({
      name: 'Fresh Points',
      onboardedAt: null,
      settings: { pendingDays: 30 },
      widget: { launcher: { position: 'bottom-right' } },
    });
    expect((await fresh('GET', '/earn-rules')).body.rules.map((r: { type: string }) => r.type)).toEqual(['purchase', 'signup']);
    expect((await fresh('GET', '/rewards')).body.rewards).toHaveLength(3);
    expect((await fresh('POST', '/program', {})).status).toBe(409);
    const done = await fresh('POST', '/program/onboarded');
    expect(done.status).toBe(201);
    expect(done.body.program.onboardedAt).toEqual(expect.any(String));
    expect((await fresh('POST', '/program/onboarded')).status).toBe(200);
  });

  it('saves settings the engine uses at once, and refuses bad ones field by field, changing nothing', async () => {
    const before = (await api('GET', '/program')).body.program;
    const bad = await api('PUT', '/program', {
      name: ' ',
      settings: { ...before.settings, pendingDays: -1, expiry: { kind: 'after-earning', months: 0 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_input', fields: { name: expect.any(String) } });
    const again = await api('PUT', '/program', {
      name: 'Stars',
      settings: { ...before.settings, pendingDays: -1, expiry: { kind: 'after-earning', months: 0 } },
    });
    expect(Object.keys(again.body.error.fields).sort()).toEqual(['settings.expiry.months', 'settings.pendingDays']);
    expect((await api('GET', '/program')).body.program).toEqual(before);

    const saved = await api('PUT', '/program', {
      name: 'Stars Club',
      settings: { ...before.settings, pendingDays: 7, currencyName: 'stars' },
    });
    expect(saved.status).toBe(200);
    expect((await app.programs.get(DEV_SHOP))!.settings).toMatchObject({ pendingDays: 7, currencyName: 'stars' });
    await api('PUT', '/program', { name: before.name, settings: before.settings });
  });

  it('saves the widget appearance with defaults filled in, and names a bad colour', async () => {
    const bad = await api('PUT', '/program/widget', { colors: { accent: 'red' }, launcher: { offset: 500 } });
    expect(bad.body.error.fields).toEqual({ 'colors.accent': expect.any(String), 'launcher.offset': expect.any(String) });
    const ok = await api('PUT', '/program/widget', {
      launcher: { position: 'bottom-left', label: 'Rewards' },
      colors: { accent: '#0a7c59' },
    });
    expect(ok.body.widget).toMatchObject({
      enabled: true,
      launcher: { position: 'bottom-left', label: 'Rewards', icon: 'star' },
      colors: { accent: '#0a7c59', text: '#ffffff' },
    });
    expect((await api('GET', '/program')).body.program.widget).toEqual(ok.body.widget);
    // The storefront widget gets it with the program, at once.
    const storefront = await fetch(`${app.url}/proxy/member?${signedProxyQuery({ shop: DEV_SHOP, customerId: null }, DEV_API_SECRET)}`);
    expect((await storefront.json()).program.widget).toEqual(ok.body.widget);
  });
});

describe('admin API: earn rules and rewards', () => {
  it('creates, edits and deletes an earn rule of every type; the program cache follows', async () => {
    expect(Object.keys(RULE_CONFIGS).sort()).toEqual(Object.keys(ruleTypes).sort());
    for (const [type, config] of Object.entries(RULE_CONFIGS)) {
      const created = await api('POST', '/earn-rules', { type, name: `Test ${type}`, config, enabled: false });
      expect(created.status, type).toBe(201);
      const edited = await api('PUT', `/earn-rules/${created.body.rule.id}`, { ...created.body.rule, name: `Edited ${type}` });
      expect(edited.body.rule.name).toBe(`Edited ${type}`);
      expect((await api('DELETE', `/earn-rules/${created.body.rule.id}`)).status).toBe(204);
    }
    const custom = await api('POST', '/earn-rules', {
      type: 'custom-action',
      name: 'Review',
      config: { name: 'Write a review', points: 40 },
    });
    expect((await app.programs.get(DEV_SHOP))!.rules.some((r) => r.id === custom.body.rule.id)).toBe(true);
    await api('DELETE', `/earn-rules/${custom.body.rule.id}`);
    expect((await app.programs.get(DEV_SHOP))!.rules.some((r) => r.id === custom.body.rule.id)).toBe(false);
  });

  it('refuses a bad rule with errors under config.…, an unknown type, a changed type and a window that ends before it starts', async () => {
    const bad = await api('POST', '/earn-rules', { type: 'signup', name: '', config: { points: -5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toMatchObject({ name: expect.any(String), 'config.points': expect.any(String) });
    const window = await api('POST', '/earn-rules', {
      type: 'signup',
      name: 'x',
      config: { points: 5 },
      startsAt: '2026-12-01',
      endsAt: '2026-11-01',
    });
    expect(window.body.error.fields).toEqual({ endsAt: 'must be after the start' });
    expect((await api('POST', '/earn-rules', { type: 'tweet', name: 'x', config: {} })).body.error.fields).toHaveProperty('type');
    const rule = (await api('GET', '/earn-rules')).body.rules[0];
    expect(
      (await api('PUT', `/earn-rules/${rule.id}`, { ...rule, type: 'birthday', config: { points: 1 } })).body.error.fields,
    ).toHaveProperty('type');
  });

  it('edits a campaign: orders from then on earn at the new multiplier, points already given stay', async () => {
    const hour = 3_600_000;
    const window = { startsAt: new Date(Date.now() - hour).toISOString(), endsAt: new Date(Date.now() + hour).toISOString() };
    const created = await api('POST', '/campaigns', { name: 'Double hour', multiplier: '2', ...window, ruleTypes: ['purchase'] });
    expect(created.status).toBe(201);
    const id = created.body.campaign.id;
    const pendingAfterOrder = async () => {
      const c = newCustomer();
      expect((await send(app.url, delivery('orders/paid', order({ customer: c, lines: HUNDRED }).payload)))[0]!.status).toBe(200);
      return { c, pending: (await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP, customerId: c.id } })).pointsPending };
    };
    const first = await pendingAfterOrder();
    expect(first.pending).toBe(200);

    const edited = await api('PUT', `/campaigns/${id}`, { name: 'Triple hour', multiplier: '3', ...window, ruleTypes: ['purchase'] });
    expect(edited.status).toBe(200);
    expect(edited.body.campaign).toMatchObject({ id, name: 'Triple hour', multiplier: '3' });
    expect((await pendingAfterOrder()).pending).toBe(300);
    expect((await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP, customerId: first.c.id } })).pointsPending).toBe(200);

    // A window that ends before it starts, or another shop's campaign: refused, nothing changes.
    const bad = await api('PUT', `/campaigns/${id}`, { name: 'x', multiplier: '5', startsAt: window.endsAt, endsAt: window.startsAt });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ endsAt: 'must be after the start' });
    expect((await fresh('PUT', `/campaigns/${id}`, { name: 'Stolen', multiplier: '9', ...window })).status).toBe(404);
    expect(await app.prisma.campaign.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: 'Triple hour', multiplier: '3' });
    expect((await api('DELETE', `/campaigns/${id}`)).status).toBe(204);
    expect((await api('PUT', `/campaigns/${id}`, { name: 'Gone', multiplier: '2', ...window })).status).toBe(404);
  });

  it('creates and edits a reward of every type in the registry', async () => {
    expect(Object.keys(REWARD_CONFIGS).sort()).toEqual(Object.keys(rewardTypes).sort());
    for (const [type, config] of Object.entries(REWARD_CONFIGS)) {
      const created = await api('POST', '/rewards', { type, name: `Test ${type}`, config, limitPerMember: 2 });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.reward).toMatchObject({ type, limitPerMember: 2, enabled: true });
      const edited = await api('PUT', `/rewards/${created.body.reward.id}`, { ...created.body.reward, enabled: false });
      expect(edited.body.reward.enabled).toBe(false);
    }
    const freeProduct = (await api('GET', '/rewards')).body.rewards.find((r: { type: string }) => r.type === 'free-product');
    expect(freeProduct.config.variantId).toBe('gid://shopify/ProductVariant/456');
  });

  it("refuses a bad reward field by field, and won't delete one members redeemed", async () => {
    const bad = await api('POST', '/rewards', {
      type: 'points-slider',
      name: 'Slider',
      config: { pointsStep: 100, amountPerStepMinor: 100, minPoints: 150, maxPoints: 50 },
    });
    expect(bad.body.error.fields).toMatchObject({ 'config.minPoints': 'must be a multiple of the step' });
    const redeemed = await app.prisma.redemption.findFirst({ where: { shop: DEV_SHOP } });
    if (redeemed) expect((await api('DELETE', `/rewards/${redeemed.rewardId}`)).status).toBe(409);
    const unused = await api('POST', '/rewards', { type: 'fixed-amount', name: 'Unused', config: { pointsCost: 1, amountMinor: 1 } });
    expect((await api('DELETE', `/rewards/${unused.body.reward.id}`)).status).toBe(204);
    expect((await api('GET', `/rewards/${unused.body.reward.id}`)).status).toBe(404);
  });
});

describe('admin API: members list', () => {
  async function everyPage(query: string) {
    const seen: { id: string; points: { available: number }; lastActivityAt: string | null; memberSince: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await api('GET', `/members?${query}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      seen.push(...res.body.members);
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    return seen;
  }

  it('pages through every member exactly once, in order, for every sort and direction', async () => {
    const total = await app.prisma.member.count({ where: { shop: DEV_SHOP } });
    for (const sort of ['points', 'lastActivity', 'memberSince'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const members = await everyPage(`sort=${sort}&direction=${direction}`);
        expect(new Set(members.map((m) => m.id)).size, `${sort} ${direction}`).toBe(total);
        expect(members).toHaveLength(total);
        const key = (m: (typeof members)[number]) =>
          sort === 'points'
            ? m.points.available
            : sort === 'lastActivity'
              ? m.lastActivityAt && Date.parse(m.lastActivityAt)
              : Date.parse(m.memberSince);
        const dated = members.filter((m) => key(m) !== null).map((m) => key(m) as number);
        expect(dated).toEqual([...dated].sort((a, b) => (direction === 'asc' ? a - b : b - a)));
        // Never-active members come last either way.
        const firstUndated = members.findIndex((m) => key(m) === null);
        if (firstUndated >= 0) expect(members.slice(firstUndated).every((m) => key(m) === null)).toBe(true);
      }
    }
  });

  it('searches by name and email, filters by balance and last activity, and says what is wrong with a filter', async () => {
    const someone = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP, email: { not: null }, lastName: { not: null } } });
    const byEmail = await api('GET', `/members?q=${encodeURIComponent(someone.email!.slice(0, 8).toUpperCase())}`);
    expect(byEmail.body.members.map((m: { id: string }) => m.id)).toContain(someone.id);
    const byName = await api('GET', `/members?q=${encodeURIComponent(`${someone.firstName} ${someone.lastName}`)}`);
    expect(byName.body.members.map((m: { id: string }) => m.id)).toContain(someone.id);
    expect((await api('GET', '/members?q=%25')).body.members).toEqual([]);

    const rich = await everyPage('minPoints=200&maxPoints=400');
    const expected = await app.prisma.member.count({ where: { shop: DEV_SHOP, pointsAvailable: { gte: 200, lte: 400 } } });
    expect(rich).toHaveLength(expected);
    expect(rich.every((m) => m.points.available >= 200 && m.points.available <= 400)).toBe(true);

    const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const active = await everyPage(`activeAfter=${since}`);
    expect(active).toHaveLength(await app.prisma.member.count({ where: { shop: DEV_SHOP, lastActivityAt: { gte: new Date(since) } } }));

    const { tiers, members: perTier } = (await api('GET', '/tiers')).body;
    for (const tier of tiers) expect((await everyPage(`tierId=${tier.id}`)).length, tier.name).toBe(perTier[tier.id]);

    const bad = await api('GET', '/members?minPoints=10&maxPoints=5&sort=name');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['sort']);
    expect((await api('GET', '/members?minPoints=10&maxPoints=5')).body.error.fields).toEqual({
      maxPoints: 'must be at least the minimum',
    });
  });

  it('exports the current filter as CSV, one row per member, with the total announced', async () => {
    const res = await api('GET', '/members/export.csv?minPoints=1&sort=points');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = res.text.trim().split('\r\n');
    const expected = await app.prisma.member.count({ where: { shop: DEV_SHOP, pointsAvailable: { gte: 1 } } });
    expect(lines[0]).toBe(
      'customer_id,email,first_name,last_name,points_available,points_pending,lifetime_earned,lifetime_redeemed,member_since,last_activity,tier',
    );
    // Every member has a tier: their own, or the lowest until they are placed.
    expect(lines.slice(1).every((line) => /,(Bronze|Silver|Gold)$/.test(line))).toBe(true);
    expect(lines).toHaveLength(expected + 1);
    expect(res.headers.get('x-total-count')).toBe(String(expected));
  });
});

describe('admin API: dashboard', () => {
  it('counts points issued, new members and repeat purchases in the range, and moves after an order', async () => {
    const today = await shopToday(app.prisma);
    const from = addDays(today, -89);
    const before = await api('GET', `/dashboard?from=${from}&to=${today}`);
    expect(before.status).toBe(200);
    expect(before.body.series).toHaveLength(90);
    expect(before.body.totals.members).toBe(await app.prisma.member.count({ where: { shop: DEV_SHOP } }));
    expect(before.body.totals.liabilityMinor).toEqual(expect.any(Number));

    const customer = { id: 'gid://shopify/Customer/9100000000007' };
    const [res] = await send(app.url, delivery('orders/paid', orderPayload({ customer, lines: HUNDRED })));
    expect(res!.status).toBe(200);
    const after = await api('GET', `/dashboard?from=${from}&to=${today}`);
    expect(after.body.totals.pointsIssued).toBeGreaterThanOrEqual(before.body.totals.pointsIssued + 100);
    expect(after.body.totals.pointsOutstanding).toBe(
      before.body.totals.pointsOutstanding + after.body.totals.pointsIssued - before.body.totals.pointsIssued,
    );
  });

  it('reports donations by cause, at their value, once members donate', async () => {
    const today = await shopToday(app.prisma);
    const before = (await api('GET', `/dashboard?from=${today}&to=${today}`)).body.totals;
    const reward = await app.prisma.reward.create({
      data: {
        shop: DEV_SHOP,
        type: 'donation',
        name: 'Plant trees',
        config: { pointsCost: 100, amountMinor: 250, cause: 'One Tree Planted' },
      },
    });
    const member = await app.prisma.member.findFirstOrThrow({
      where: { shop: DEV_SHOP, pointsAvailable: { gte: 200 }, customerId: { startsWith: 'gid://' } },
    });
    for (const key of ['donate-1', 'donate-2']) {
      const q = signedProxyQuery({ shop: DEV_SHOP, customerId: member.customerId.split('/').pop()! }, DEV_API_SECRET);
      const res = await fetch(`${app.url}/proxy/redemptions?${q}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rewardId: reward.id, idempotencyKey: `${key}-${member.id.slice(0, 8)}` }),
      });
      expect(res.status).toBe(201);
    }
    const after = (await api('GET', `/dashboard?from=${today}&to=${today}`)).body.totals;
    expect(after.donations.totalMinor).toBe(before.donations.totalMinor + 500);
    expect(after.donations.byCause).toContainEqual({ cause: 'One Tree Planted', totalMinor: 500, count: 2 });
    expect(after.cashbackMinor).toBe(before.cashbackMinor);
  });

  it('refuses a range that ends before it starts', async () => {
    const res = await api('GET', '/dashboard?from=2026-11-10&to=2026-11-01');
    expect(res.body.error.fields).toEqual({ to: 'must be on or after the start' });
  });
});
