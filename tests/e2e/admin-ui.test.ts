// The admin UI as a new merchant uses it, in a real Chromium against a running
// Tally (the production build): onboarding, creating a reward, finding a
// member and adjusting points, the dashboard moving after an order; every
// page checked with axe-core; screenshots in tests/e2e/artifacts/.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { adjust } from '../../web/loyalty/ledger.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { collectPageProblems } from '../helpers/browser.js';
import { HUNDRED, order } from '../helpers/orders.js';
import { delivery, send } from '../helpers/webhooks.js';
import { DEV_API_SECRET } from '../../web/config.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';

const ARTIFACTS = 'tests/e2e/artifacts';
const NEW_SHOP = 'brand-new.myshopify.com';

const app = useTestApp({ frontend: true });
const browser = useBrowser();
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await app.prisma.shop.create({ data: { domain: NEW_SHOP, name: 'Brand New', currencyCode: 'EUR' } });
});

async function open(path: string, shop = DEV_SHOP): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const { problems } = collectPageProblems(page);
  await page.goto(`${app.url}${path}${path.includes('?') ? '&' : '?'}shop=${shop}`);
  return { page, problems };
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

describe('admin UI', () => {
  it('onboards a new shop: the default program in one click, the theme editor link, finish', async () => {
    const { page, problems } = await open('/', NEW_SHOP);
    await page.getByTestId('onboarding').waitFor({ timeout: 20_000 });
    expect(page.url()).toContain('/onboarding');
    await shot(page, 'onboarding-start');
    await page.getByLabel('Program name').fill('Brand New Club');
    await page.getByRole('button', { name: 'Create my program' }).click();
    await expect.poll(() => page.getByTestId('step-program').getAttribute('data-done'), { timeout: 10_000 }).toBe('true');
    const editor = await page.getByRole('link', { name: 'Open theme editor' }).getAttribute('href');
    expect(editor).toBe(`https://${NEW_SHOP}/admin/themes/current/editor?context=apps&activateAppId=tally-dev-api-key%2Fapp-embed`);
    await page.getByRole('button', { name: 'Finish setup' }).click();
    await page.getByTestId('dashboard').waitFor();
    await expect.poll(() => page.getByTestId('dashboard').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready');
    await shot(page, 'onboarding-done-dashboard');

    const program = await app.prisma.program.findUniqueOrThrow({ where: { shop: NEW_SHOP } });
    expect(program.name).toBe('Brand New Club');
    expect(program.onboardedAt).not.toBeNull();
    expect(await app.prisma.reward.count({ where: { shop: NEW_SHOP } })).toBe(3);
    expect(problems).toEqual([]);
  });

  it('creates a reward, after showing what is wrong with the first try inline and sending nothing', async () => {
    const { page, problems } = await open('/rewards');
    await page.getByTestId('reward-row').first().waitFor({ timeout: 20_000 });
    const before = await app.prisma.reward.count({ where: { shop: DEV_SHOP } });
    await page.getByRole('button', { name: 'Add reward' }).click();
    await page.getByRole('button', { name: 'Percentage off' }).click();
    const editor = page.getByTestId('definition-editor');
    await editor.getByLabel('Cost in points').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => editor.getByText('a name').count()).toBeGreaterThan(0);
    await expect.poll(() => editor.getByText('at least 1', { exact: true }).count()).toBeGreaterThan(0);
    await shot(page, 'reward-invalid');
    expect(await app.prisma.reward.count({ where: { shop: DEV_SHOP } })).toBe(before);

    await editor.getByLabel('Name', { exact: true }).fill('15% off for 1,500 points');
    await editor.getByLabel('Cost in points').fill('1500');
    await editor.getByLabel('Percentage off').fill('15');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-testid="reward-row"][data-name="15% off for 1,500 points"]').waitFor({ timeout: 10_000 });
    await shot(page, 'reward-created');
    const created = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '15% off for 1,500 points' } });
    expect(created).toMatchObject({ type: 'percentage', config: expect.objectContaining({ pointsCost: 1500, percentage: 15 }) });
    expect(problems).toEqual([]);
  });

  it('finds a member by email, adjusts their points with a reason, and pages through a long history', async () => {
    const found = await app.prisma.member.findFirstOrThrow({
      where: { shop: DEV_SHOP, email: { not: null } },
      orderBy: { createdAt: 'asc' },
    });
    // More history than one page holds.
    for (let i = 1; i <= 60; i++) {
      await app.prisma.$transaction((tx) =>
        adjust(tx, {
          shop: DEV_SHOP,
          memberId: found.id,
          points: 1,
          reason: `Survey answer ${i}`,
          actor: 'e2e',
          idempotencyKey: `e2e:history:${i}`,
        }),
      );
    }
    const member = await app.prisma.member.findUniqueOrThrow({ where: { id: found.id } });
    const { page, problems } = await open('/members');
    await page.getByTestId('member-link').first().waitFor({ timeout: 20_000 });
    await page.getByPlaceholder('Search by name or email').fill(member.email!);
    await expect.poll(() => page.getByTestId('member-link').count(), { timeout: 10_000 }).toBe(1);
    await shot(page, 'members-search');
    await page.getByTestId('member-link').click();
    await page.getByTestId('member').waitFor();
    expect(await page.getByTestId('member').getAttribute('data-available')).toBe(String(member.pointsAvailable));

    const form = page.getByTestId('adjust-points');
    await form.getByLabel('Points').fill('50');
    await form.getByLabel('Reason').fill('Thanks for the product review');
    await form.getByRole('button', { name: 'Adjust points' }).click();
    await expect
      .poll(() => page.getByTestId('member').getAttribute('data-available'), { timeout: 10_000 })
      .toBe(String(member.pointsAvailable + 50));
    await expect.poll(() => page.getByText('Thanks for the product review').count()).toBeGreaterThan(0);
    // The form empties after saving, so a second click cannot give the same points again by accident.
    expect(await form.getByLabel('Points').inputValue()).toBe('');
    expect(await form.getByLabel('Reason').inputValue()).toBe('');
    await shot(page, 'member-adjusted');
    const after = await app.prisma.member.findUniqueOrThrow({ where: { id: member.id } });
    expect(after.pointsAvailable).toBe(member.pointsAvailable + 50);

    const history = page.getByTestId('member-history');
    expect(await history.getAttribute('data-count')).toBe('50');
    await page.getByRole('button', { name: 'Show older activity' }).click();
    const total = await app.prisma.pointEntry.count({ where: { memberId: member.id } });
    await expect.poll(() => history.getAttribute('data-count'), { timeout: 10_000 }).toBe(String(total));
    expect(await page.getByText('Survey answer 1', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Show older activity' }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows the dashboard move after a simulated order', async () => {
    const { page, problems } = await open('/');
    const issued = page.getByTestId('stat-points-issued');
    await expect.poll(() => page.getByTestId('dashboard').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready');
    const before = Number(await issued.getAttribute('data-value'));
    await shot(page, 'dashboard-before');
    const res = await fetch(`${app.url}/dev/webhooks/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'order-paid' }),
    });
    expect(res.status).toBe(200);
    await page.reload();
    await expect.poll(async () => Number(await issued.getAttribute('data-value')), { timeout: 20_000 }).toBeGreaterThan(before);
    await shot(page, 'dashboard-after-order');
    expect(problems).toEqual([]);
  });

  it('edits a tier with an impact preview before applying it, and assigns a member a tier', async () => {
    const api = adminApi(app.url);
    const before = (await api('GET', '/tiers')).body;
    const silver = before.tiers.findIndex((t: { name: string }) => t.name === 'Silver');
    expect(silver).toBeGreaterThan(0);
    const { page, problems } = await open('/tiers');
    await page.getByTestId('tiers-form').waitFor({ timeout: 20_000 });
    const apply = page.getByRole('button', { name: 'Apply to all members' });
    expect(await apply.isDisabled()).toBe(true);

    // Silver from 500 down to 150 points: members between them move up.
    const card = page.locator(`[data-testid="tier-card"][data-index="${silver}"]`);
    await card.getByLabel('Qualifies from').fill('150');
    await page.getByRole('button', { name: 'Preview impact' }).click();
    const preview = page.getByTestId('tiers-preview');
    await preview.waitFor({ timeout: 10_000 });
    const up = Number(await preview.getAttribute('data-up'));
    expect(up).toBeGreaterThan(0);
    expect(Number(await preview.getAttribute('data-down'))).toBe(0);
    await shot(page, 'tiers-preview');
    // Nothing changed yet.
    expect((await api('GET', '/tiers')).body.tiers[silver].threshold).toBe(500);

    // The progress bar shows while the edit streams its steps: record every stage it showed.
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { tiersProgress: string[] }).tiersProgress = []);
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="tiers-progress"]');
        const stage = bar?.getAttribute('data-stage');
        if (stage && seen.at(-1) !== stage) seen.push(stage);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await apply.click();
    await page.getByTestId('tiers-applied').waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { tiersProgress: string[] }).tiersProgress)).toContain('computing');
    expect(await page.getByTestId('tiers-progress').count()).toBe(0);
    await shot(page, 'tiers-applied');
    const after = (await api('GET', '/tiers')).body;
    expect(after.tiers[silver].threshold).toBe(150);
    expect(after.members[after.tiers[silver].id]).toBeGreaterThanOrEqual(before.members[before.tiers[silver].id] + 1);

    const member = await app.prisma.member.findFirstOrThrow({
      where: { shop: DEV_SHOP, email: { not: null } },
      orderBy: { createdAt: 'desc' },
    });
    const gold = after.tiers.find((t: { name: string }) => t.name === 'Gold');
    const { page: memberPage, problems: memberProblems } = await open(`/members/${member.id}`);
    const assign = memberPage.getByTestId('assign-tier');
    await assign.waitFor({ timeout: 20_000 });
    await assign.getByLabel('Tier', { exact: true }).selectOption(gold.id);
    await assign.getByLabel('Reason').fill('VIP by invitation');
    await assign.getByRole('button', { name: 'Assign tier' }).click();
    await expect.poll(() => memberPage.getByTestId('member-tier').getAttribute('data-tier'), { timeout: 10_000 }).toBe(gold.id);
    await shot(memberPage, 'member-tier-assigned');
    expect((await app.prisma.member.findUniqueOrThrow({ where: { id: member.id } })).tierId).toBe(gold.id);
    expect([...problems, ...memberProblems]).toEqual([]);
  });

  it('edits a campaign in place', async () => {
    const day = 86_400_000;
    const created = await adminApi(app.url)('POST', '/campaigns', {
      name: 'Spring weekend',
      multiplier: '2',
      startsAt: new Date(Date.now() + day).toISOString(),
      endsAt: new Date(Date.now() + 3 * day).toISOString(),
    });
    const { page, problems } = await open('/earn-rules');
    await page.getByRole('button', { name: 'Edit Spring weekend' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Multiplier').fill('3');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => (await app.prisma.campaign.findUniqueOrThrow({ where: { id: created.body.campaign.id } })).multiplier, {
        timeout: 10_000,
      })
      .toBe('3');
    await expect.poll(() => page.getByText('Spring weekend: ×3', { exact: false }).count(), { timeout: 10_000 }).toBe(1);
    await shot(page, 'campaign-edited');
    expect(problems).toEqual([]);
  });

  it('saves settings through the save bar, after refusing a bad value inline', async () => {
    const { page, problems } = await open('/settings');
    await page.getByTestId('settings-form').waitFor({ timeout: 20_000 });
    const pending = page.getByLabel('Days pending');
    await pending.fill('400');
    const save = page.getByRole('button', { name: 'Save' });
    await save.click();
    await expect.poll(() => page.getByText('at most 365', { exact: true }).count()).toBeGreaterThan(0);
    expect((await app.programs.get(DEV_SHOP))!.settings.pendingDays).toBe(30);
    await pending.fill('14');
    await save.click();
    await expect.poll(() => page.getByText('All changes saved').count(), { timeout: 10_000 }).toBe(1);
    await shot(page, 'settings-saved');
    expect((await app.programs.get(DEV_SHOP))!.settings.pendingDays).toBe(14);
    await page.getByLabel('Days pending').fill('30');
    await save.click();
    await expect.poll(() => page.getByText('All changes saved').count(), { timeout: 10_000 }).toBe(1);
    expect(problems).toEqual([]);
  });

  it('previews the widget as it is edited and saves its appearance', async () => {
    const { page, problems } = await open('/widget');
    await page.getByTestId('widget-form').waitFor({ timeout: 20_000 });
    // The real widget: the app embed's Liquid rendered with the settings being edited, its script and stylesheet.
    const preview = page.frameLocator('[data-testid="widget-preview"]');
    const launcher = preview.locator('tally-widget[data-floating] [data-action="toggle"]');
    await launcher.waitFor({ timeout: 10_000 });
    await page.getByLabel('Button text', { exact: true }).fill('Club perks');
    await page.getByLabel('Position').selectOption('bottom-left');
    await expect.poll(() => launcher.textContent()).toContain('Club perks');
    await expect.poll(() => preview.locator('tally-widget[data-floating]').getAttribute('data-position')).toBe('bottom-left');
    // Opening it runs the widget's own code against the sample app proxy.
    await launcher.click();
    await expect.poll(() => preview.getByRole('dialog').textContent(), { timeout: 10_000 }).toContain('Join now');
    // The storefront's language, chosen apart from the admin's: the embed's own Polish locale file.
    await page.getByLabel('Storefront language').selectOption('pl');
    await expect.poll(() => preview.locator('#root').getAttribute('data-locale'), { timeout: 10_000 }).toBe('pl');
    await preview.locator('tally-widget[data-floating] [data-action="toggle"]').click();
    await expect.poll(() => preview.getByRole('dialog').textContent(), { timeout: 10_000 }).toContain('Dołącz teraz');
    await shot(page, 'widget-preview-pl');
    await page.getByLabel('Storefront language').selectOption('en');
    await expect.poll(() => preview.locator('#root').getAttribute('data-locale'), { timeout: 10_000 }).toBe('en');
    await page.getByLabel('Button text', { exact: true }).fill('Rewards');
    await expect.poll(() => launcher.textContent()).toContain('Rewards');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        async () =>
          ((await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } })).widget as { launcher?: { label?: string } }).launcher
            ?.label,
        { timeout: 10_000 },
      )
      .toBe('Rewards');
    await shot(page, 'widget-saved');
    expect(problems).toEqual([]);
  });

  it('speaks Polish and Chinese when the admin does', async () => {
    for (const [locale, text] of [
      ['pl', 'Członkowie'],
      ['zh-CN', '会员'],
    ] as const) {
      const { page, problems } = await open(`/members?locale=${locale}`);
      await page.getByTestId('member-link').first().waitFor({ timeout: 20_000 });
      expect(await page.getByRole('heading', { name: text, exact: true }).count()).toBeGreaterThan(0);
      await shot(page, `members-${locale}`);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('refuses bad values in the admin’s language, for zod’s checks and for Tally’s own', async () => {
    const languages = {
      pl: { name: 'Nazwa programu', days: 'Dni oczekiwania', save: 'Zapisz', tooMany: 'najwyżej 365', noName: 'nazwa programu' },
      'zh-CN': { name: '计划名称', days: '待定天数', save: '保存', tooMany: '不能大于 365', noName: '请填写计划名称' },
    };
    for (const [locale, words] of Object.entries(languages)) {
      const { page, problems } = await open(`/settings?locale=${locale}`);
      await page.getByTestId('settings-form').waitFor({ timeout: 20_000 });
      await page.getByLabel(words.days, { exact: true }).fill('400');
      await page.getByLabel(words.name, { exact: true }).fill('');
      await page.getByRole('button', { name: words.save, exact: true }).click();
      await expect.poll(() => page.getByText(words.tooMany, { exact: true }).count()).toBeGreaterThan(0);
      await expect.poll(() => page.getByText(words.noName, { exact: true }).count()).toBeGreaterThan(0);
      await shot(page, `settings-refused-${locale}`);
      // Refused in the browser: nothing was sent, nothing changed.
      expect((await app.programs.get(DEV_SHOP))!.settings.pendingDays).toBe(30);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('lists every redemption with its status and the order that used it', async () => {
    const member = await app.prisma.member.findFirstOrThrow({
      where: { shop: DEV_SHOP, customerId: { startsWith: 'gid://shopify/Customer/' } },
      orderBy: { pointsAvailable: 'desc' },
    });
    await adminApi(app.url)('POST', `/members/${member.id}/adjustments`, { points: 500, reason: 'e2e: a redemption to list' });
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    const q = signedProxyQuery({ shop: DEV_SHOP, customerId: member.customerId.split('/').pop()! }, DEV_API_SECRET);
    const redeemed = await (
      await fetch(`${app.url}/proxy/redemptions?${q}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rewardId: reward.id, idempotencyKey: `e2e-list-${Date.now()}` }),
      })
    ).json();
    const code = redeemed.redemption.code as string;
    const o = order({ customer: { id: member.customerId, email: member.email ?? undefined }, lines: HUNDRED, discountCode: code });
    await send(app.url, delivery('orders/paid', o.payload));
    const { page, problems } = await open('/redemptions');
    const list = page.getByTestId('redemption-list');
    await list.waitFor({ timeout: 20_000 });
    const row = list.getByRole('row').filter({ hasText: code });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('Used');
    expect(await row.textContent()).toContain('5 off for 500 points');
    expect(await row.textContent()).toContain(String(o.payload.name));
    await page.getByLabel('Status').selectOption('FAILED');
    await expect.poll(() => list.getByRole('row').filter({ hasText: code }).count(), { timeout: 10_000 }).toBe(0);
    await shot(page, 'redemptions');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lets the admin settle store credit whose Shopify answer was lost, and lists the cashback taken back', async () => {
    const member = await app.prisma.member.findFirstOrThrow({
      where: { shop: DEV_SHOP, customerId: { startsWith: 'gid://shopify/Customer/' } },
    });
    const reward = await app.prisma.reward.create({
      data: { shop: DEV_SHOP, type: 'store-credit', name: 'Store credit 5', config: { pointsCost: 400, amountMinor: 500 } },
    });
    const lost = await app.prisma.redemption.create({
      data: {
        shop: DEV_SHOP,
        memberId: member.id,
        rewardId: reward.id,
        points: 0,
        valueMinor: 500,
        currencyCode: 'USD',
        idempotencyKey: `e2e-lost-${Date.now()}`,
        status: 'NEEDS_REVIEW',
      },
    });
    await app.prisma.storeCreditDebit.create({
      data: {
        shop: DEV_SHOP,
        memberId: member.id,
        orderId: 'gid://shopify/Order/424242',
        amountMinor: 600,
        debitedMinor: 200,
        currencyCode: 'USD',
        status: 'DONE',
        idempotencyKey: `e2e-debit-${Date.now()}`,
        error: 'the customer had already spent part of the credit',
        doneAt: new Date(),
      },
    });
    // The dashboard says so, and leads to the Redemptions page.
    const { page, problems } = await open('/');
    await page.getByTestId('store-credit-reviews').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('store-credit-reviews').textContent()).toContain('1 store credit needs checking in Shopify');
    await page
      .getByRole('button', { name: 'Review on Redemptions' })
      .or(page.getByRole('link', { name: 'Review on Redemptions' }))
      .click();
    const list = page.getByTestId('redemption-list');
    await list.waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByText('Check in Shopify', { exact: true }).count()).toBeGreaterThan(0);
    const debits = page.getByTestId('debit-list');
    await expect.poll(() => debits.getByText('the customer had already spent part of the credit').count(), { timeout: 10_000 }).toBe(1);
    expect(await debits.textContent()).toContain('$6.00');
    expect(await debits.textContent()).toContain('$2.00');
    await shot(page, 'redemptions-review');
    await list.getByRole('button', { name: 'It was credited' }).click();
    await expect
      .poll(async () => (await app.prisma.redemption.findUniqueOrThrow({ where: { id: lost.id } })).status, { timeout: 10_000 })
      .toBe('ISSUED');
    await expect.poll(() => list.getByRole('button', { name: 'It was credited' }).count(), { timeout: 10_000 }).toBe(0);
    expect(problems).toEqual([]);
  });

  it('has no serious or critical accessibility violations on any page', async () => {
    const member = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP } });
    const pages: [string, string][] = [
      ['/', 'dashboard'],
      ['/members', 'members'],
      [`/members/${member.id}`, 'member'],
      ['/earn-rules', 'earn-rules'],
      ['/rewards', 'rewards'],
      ['/settings', 'settings'],
      ['/widget', 'widget'],
      ['/tiers', 'tiers'],
      ['/referrals', 'referral-list'],
      ['/redemptions', 'redemption-list'],
      ['/onboarding', 'onboarding'],
    ];
    const found: Record<string, string[]> = {};
    for (const [path, testId] of pages) {
      const { page, problems } = await open(path);
      await page.getByTestId(testId).waitFor({ timeout: 20_000 });
      await page.waitForLoadState('networkidle');
      await shot(page, `page-${testId}`);
      const violations = await seriousA11yViolations(page);
      if (violations.length || problems.length) found[path] = [...violations, ...problems];
      await page.close();
    }
    expect(found).toEqual({});
  });
});
