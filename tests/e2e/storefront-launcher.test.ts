// The rewards launcher as a shopper sees it: really visible (opacity up the
// tree, size, on screen, nothing covering it; tests/helpers/visible.ts) on
// every storefront page, for guests and members, on desktop and mobile, in
// both positions and with every icon; painted before the widget's stylesheet
// arrives; and in the admin's live preview on the Widget page. Playwright's own
// isVisible() passed a launcher that opacity: 0 hid on every page.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { defaultSettings, readBlock } from '../../web/theme-extension/read.js';
import { storefrontEngine } from '../../web/theme-extension/liquid.js';
import { DEFAULT_WIDGET_SETTINGS, LAUNCHER_ICONS, LAUNCHER_POSITIONS, type WidgetSettings } from '../../web/loyalty/domain/widget.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { expectReallyVisible, whyNotVisible } from '../helpers/visible.js';

const ARTIFACTS = 'tests/e2e/artifacts';
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, mobile: { width: 390, height: 844 } } as const;
type Viewport = keyof typeof VIEWPORTS;
type Audience = 'guest' | 'member';
const PAGES: Record<Audience, string[]> = {
  guest: ['/dev/storefront', '/dev/storefront/products/rain-jacket', '/dev/storefront/cart', '/dev/storefront/account/login'],
  member: ['/dev/storefront', '/dev/storefront/products/rain-jacket', '/dev/storefront/cart', '/dev/storefront/account'],
};

let memberCookie: string;
const app = useTestApp({ env: { TALLY_WORKER: 'false' }, frontend: true });
const browser = useBrowser();
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const demo = await app.prisma.member.findFirstOrThrow({
    where: { shop: DEV_SHOP },
    orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }],
  });
  memberCookie = demo.customerId.split('/').pop()!;
});

async function shopper(audience: Audience, viewport: Viewport): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    isMobile: viewport === 'mobile',
    hasTouch: viewport === 'mobile',
  });
  if (audience === 'member') await context.addCookies([{ name: 'tally_dev_customer', value: memberCookie, url: app.url }]);
  const page = await context.newPage();
  const { problems } = collectPageProblems(page);
  return { context, page, problems };
}

const launcher = (page: Page) => page.locator('tally-widget[data-floating] .launcher');

/** The launcher's box, for its side of the screen and its size. */
const box = async (locator: Locator) => (await locator.boundingBox())!;

/** The look the admin's Widget page saves (the shop metafield the embed reads). */
async function withWidget<T>(launcherSettings: Partial<WidgetSettings['launcher']>, fn: () => Promise<T>): Promise<T> {
  const saved = (await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } })).widget as object;
  const widget = { ...DEFAULT_WIDGET_SETTINGS, launcher: { ...DEFAULT_WIDGET_SETTINGS.launcher, ...launcherSettings } };
  await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { widget } });
  app.programs.forget(DEV_SHOP);
  try {
    return await fn();
  } finally {
    await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { widget: saved } });
    app.programs.forget(DEV_SHOP);
  }
}

describe('the rewards launcher, as a shopper sees it', () => {
  it('is really visible on every page, for guests and members, on desktop and mobile', async () => {
    for (const audience of ['guest', 'member'] as const) {
      for (const viewport of ['desktop', 'mobile'] as const) {
        const { context, page, problems } = await shopper(audience, viewport);
        for (const path of PAGES[audience]) {
          await page.goto(`${app.url}${path}`);
          const label = `${audience} ${viewport} ${path}`;
          await expectReallyVisible(launcher(page));
          const { width, height } = await box(launcher(page));
          expect(height, label).toBeGreaterThanOrEqual(44); // a thumb-sized target
          // Small beside the page: on a phone it leaves most of the width to the store.
          expect(width, label).toBeLessThan(VIEWPORTS[viewport].width * 0.65);
          if (audience === 'member') expect(await launcher(page).textContent(), label).toMatch(/[\d,]+ points/);
        }
        await page.screenshot({ path: `${ARTIFACTS}/launcher-${audience}-${viewport}.png` });
        expect(problems, `${audience} ${viewport}`).toEqual([]);
        await context.close();
      }
    }
  });

  it('is really visible in both positions with every icon the admin offers, and opens the panel', async () => {
    let page_ = 0;
    for (const position of LAUNCHER_POSITIONS) {
      for (const icon of LAUNCHER_ICONS) {
        await withWidget({ position, icon }, async () => {
          for (const audience of ['guest', 'member'] as const) {
            for (const viewport of ['desktop', 'mobile'] as const) {
              const { context, page, problems } = await shopper(audience, viewport);
              // Each combination on a different page, so every page meets every setting over the run.
              const path = PAGES[audience][page_++ % PAGES[audience].length]!;
              await page.goto(`${app.url}${path}`);
              const label = `${position} ${icon} ${audience} ${viewport} ${path}`;
              await expectReallyVisible(launcher(page));
              await expectReallyVisible(launcher(page).locator('svg'));
              const { x, width } = await box(launcher(page));
              const centre = x + width / 2;
              if (position === 'bottom-left') expect(centre, label).toBeLessThan(VIEWPORTS[viewport].width / 2);
              else expect(centre, label).toBeGreaterThan(VIEWPORTS[viewport].width / 2);
              await launcher(page).click();
              await expectReallyVisible(page.getByRole('dialog'));
              if (icon === 'crown') await page.screenshot({ path: `${ARTIFACTS}/launcher-${position}-${audience}-${viewport}.png` });
              expect(problems, label).toEqual([]);
              await context.close();
            }
          }
        });
      }
    }
  }, 240_000);

  it('is painted before its stylesheet arrives, in the same place and size as after', async () => {
    for (const viewport of ['desktop', 'mobile'] as const) {
      const { context, page } = await shopper('member', viewport);
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      // A slow network: the widget's stylesheet (loaded without blocking the page) is held back.
      await page.route('**/tally-widget.css', async (route) => {
        await held;
        await route.continue();
      });
      await page.goto(`${app.url}/dev/storefront/products/rain-jacket`, { waitUntil: 'domcontentloaded' });
      await expectReallyVisible(launcher(page));
      // The stylesheet's own custom property is not there yet: what shows is the embed's critical rule.
      const styled = () =>
        page.evaluate(() =>
          getComputedStyle(document.querySelector('tally-widget[data-floating]')!).getPropertyValue('--tally-panel-width').trim(),
        );
      expect(await styled()).toBe('');
      const before = await box(launcher(page));
      await page.screenshot({ path: `${ARTIFACTS}/launcher-before-stylesheet-${viewport}.png` });
      release();
      await expect.poll(() => styled()).toBe('400px');
      await expectReallyVisible(launcher(page));
      expect(await box(launcher(page))).toEqual(before);
      await context.close();
    }
  });

  it('is really visible with the theme editor\'s own settings, icon "none" included, before Tally has synced its look', async () => {
    // The shop metafield is not written yet: the embed's theme-editor settings apply (every icon there, "none" too).
    const embed = readBlock('app-embed.liquid');
    const { engine } = storefrontEngine({
      themeDir: fileURLToPath(new URL('../../dev/storefront/theme', import.meta.url)),
      assetBase: '/dev/storefront/assets',
      cache: false,
    });
    const icons = (embed.schema.settings!.find((s) => s.id === 'icon') as unknown as { options: Array<{ value: string }> }).options.map(
      (o) => o.value,
    );
    expect(icons).toEqual(['gift', 'star', 'heart', 'crown', 'none']);
    for (const position of ['bottom-right', 'bottom-left']) {
      for (const icon of icons) {
        for (const viewport of ['desktop', 'mobile'] as const) {
          const html = await engine.renderFile(
            'app-embed',
            { block: { id: 'editor', settings: { ...defaultSettings(embed.schema), position, icon } } },
            {
              globals: {
                shop: { name: 'Demo', currency: 'USD', metafields: { '$app:tally': {} } },
                request: { locale: { iso_code: 'en' } },
                routes: {
                  root_url: '/',
                  cart_url: '/dev/storefront/cart',
                  account_login_url: '/dev/storefront/account/login',
                  account_register_url: '/dev/storefront/account/register',
                },
                cart: { currency: { iso_code: 'USD' } },
                customer: null,
              },
            },
          );
          const { context, page, problems } = await shopper('guest', viewport);
          // The page is served from the dev storefront's origin, so the app proxy and assets answer as on a store.
          await page.route(`${app.url}/dev/storefront/theme-editor-preview`, (route) =>
            route.fulfill({
              contentType: 'text/html',
              body: `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width"><script src="/dev/storefront/assets/tally-widget.js" defer></script></head><body><h1>Store</h1>${html}</body></html>`,
            }),
          );
          await page.goto(`${app.url}/dev/storefront/theme-editor-preview`);
          const label = `${position} ${icon} ${viewport}`;
          await expectReallyVisible(launcher(page));
          expect(await launcher(page).locator('svg').count(), label).toBe(icon === 'none' ? 0 : 1);
          const { x, width } = await box(launcher(page));
          if (position === 'bottom-left') expect(x + width / 2, label).toBeLessThan(VIEWPORTS[viewport].width / 2);
          else expect(x + width / 2, label).toBeGreaterThan(VIEWPORTS[viewport].width / 2);
          await launcher(page).click();
          await expect.poll(() => page.getByRole('dialog').textContent(), { message: label }).toContain('Join now');
          expect(problems, label).toEqual([]);
          await context.close();
        }
      }
    }
  }, 240_000);

  it("opens the panel when clicked before the widget's script has arrived", async () => {
    const { context, page, problems } = await shopper('member', 'desktop');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/tally-widget.js', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${app.url}/dev/storefront`);
    await expectReallyVisible(launcher(page));
    await launcher(page).click();
    expect(await page.evaluate(() => Boolean(customElements.get('tally-widget')))).toBe(false);
    release();
    await expect.poll(() => page.getByRole('dialog').locator('.available').count(), { timeout: 10_000 }).toBe(1);
    await expectReallyVisible(page.getByRole('dialog'));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is hidden on mobile only when the merchant turned it off there', async () => {
    await withWidget({ showOnMobile: false }, async () => {
      for (const viewport of ['desktop', 'mobile'] as const) {
        const { context, page } = await shopper('guest', viewport);
        await page.goto(`${app.url}/dev/storefront`);
        if (viewport === 'desktop') await expectReallyVisible(launcher(page));
        else await expect.poll(() => whyNotVisible(launcher(page))).toMatch(/display: none/);
        await context.close();
      }
    });
  });
});

describe("the admin's live Widget preview", () => {
  it('shows the launcher, for a guest and a member, in both positions and with every icon', async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS.desktop });
    const { problems } = collectPageProblems(page);
    await page.goto(`${app.url}/widget?shop=${DEV_SHOP}`);
    await page.getByTestId('widget-form').waitFor({ timeout: 20_000 });
    const frame = page.getByTestId('widget-preview');
    await frame.scrollIntoViewIfNeeded();
    await expectReallyVisible(frame);
    const preview = page.frameLocator('[data-testid="widget-preview"]');
    const previewLauncher = preview.locator('tally-widget[data-floating] .launcher');
    for (const audience of ['Visitor', 'Member']) {
      await page.getByRole('button', { name: audience, exact: true }).click();
      for (const position of LAUNCHER_POSITIONS) {
        await page.getByLabel('Position').selectOption(position);
        for (const icon of LAUNCHER_ICONS) {
          await page.getByLabel('Icon', { exact: true }).selectOption(icon);
          await expect.poll(() => preview.locator('#root').getAttribute('data-position')).toBe(position);
          await expectReallyVisible(previewLauncher);
          await expectReallyVisible(previewLauncher.locator('svg'));
          // The launcher sits inside the preview frame as shown on the admin page, not off its edge.
          const [outer, inner] = [await box(frame), await box(previewLauncher)];
          expect(inner.y + inner.height).toBeLessThanOrEqual(outer.y + outer.height);
          const side = inner.x + inner.width / 2 < outer.x + outer.width / 2 ? 'bottom-left' : 'bottom-right';
          expect(side, `${audience} ${position} ${icon}`).toBe(position);
        }
      }
      await page.screenshot({ path: `${ARTIFACTS}/launcher-admin-preview-${audience.toLowerCase()}.png` });
    }
    if (problems.length) expect(problems).toEqual([]);
    await page.close();
  });
});
