// What the storefront and the admin look like, pixel for pixel, compared with
// the committed baselines in tests/e2e/baselines/ (see tests/helpers/screenshots.ts).
//
// Updating the baselines is deliberate, and reviewed like code:
//   UPDATE_BASELINES=1 npx vitest run --project e2e tests/e2e/screenshots.test.ts
// then open the changed PNGs (git diff --stat tests/e2e/baselines) and commit
// them. A missing baseline is written outside CI and fails under CI=true. On
// a mismatch the actual and diff images are in tests/e2e/artifacts/screenshots/.
//
// The same code draws the same pixels on every run because nothing on the
// screen depends on when it runs: the demo shop is seeded as of FIXED_NOW,
// the server's clock (this process's Date) starts at FIXED_NOW, the pages'
// Date is fixed at FIXED_NOW, the demo member's referral code is fixed, and
// animations, transitions and the caret are off (helpers/screenshots.ts).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { DEV_FRESH_SHOP, seedDemoShop } from '../../dev/seed.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { expectMatchesBaseline, settle, stillContext, stillScreenshot, trackRequests, type ShotOptions } from '../helpers/screenshots.js';

/** "Now" for the seed, the server and the pages: noon, so no time zone moves a date. */
const FIXED_NOW = new Date('2026-11-24T12:00:00.000Z');

const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 },
  mobile: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
} as const;
type Viewport = keyof typeof VIEWPORTS;

// The server's clock starts at FIXED_NOW (and runs on) before the app starts: dates the
// app computes from "now" (tier kept until, the widget preview's sample member) are fixed.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: FIXED_NOW, shouldAdvanceTime: true });
});
afterAll(() => {
  vi.useRealTimers();
});

const app = useTestApp({ frontend: true, seed: false, env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();

let demo: { id: string; customerId: string; firstName: string | null };
beforeAll(async () => {
  // The demo shop as of FIXED_NOW (every date in its history a fixed number of days before it), and the fresh shop.
  await seedDemoShop(app.prisma, FIXED_NOW);
  app.programs.forget(DEV_SHOP);
  // Members who joined on the same day would be listed in the order of their random ids: one second apart instead.
  await app.prisma
    .$executeRaw`UPDATE "Member" SET "createdAt" = "createdAt" + (substring("customerId" from '[0-9]+$')::bigint % 1000) * interval '1 second' WHERE shop = ${DEV_SHOP}`;
  demo = await app.prisma.member.findFirstOrThrow({
    where: { shop: DEV_SHOP },
    orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }],
  });
  // The referral link in the panel carries the member's code, otherwise drawn at random on first use.
  await app.prisma.referralCode.create({ data: { shop: DEV_SHOP, memberId: demo.id, code: `${demo.firstName!.toUpperCase()}-7K3QXM` } });
});

async function newContext(b: Browser, viewport: Viewport): Promise<BrowserContext> {
  const context = await b.newContext({
    ...VIEWPORTS[viewport],
    locale: 'en-US',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
    colorScheme: 'light',
  });
  await stillContext(context, FIXED_NOW);
  return context;
}

/** Opens `url` in a fresh page of `context`, waits until it is still, and compares it with its baseline. */
async function expectPageLooksLike(
  context: BrowserContext,
  url: string,
  name: string,
  options: ShotOptions & { before?: (page: Page) => Promise<void> } = {},
) {
  const page = await context.newPage();
  const { problems } = collectPageProblems(page);
  const inFlight = trackRequests(page);
  try {
    await page.goto(url);
    await settle(page, inFlight);
    if (options.before) {
      await options.before(page);
      await settle(page, inFlight);
    }
    expectMatchesBaseline(name, await stillScreenshot(page, options));
    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
}

const STOREFRONT_PAGES = {
  home: '/dev/storefront',
  product: '/dev/storefront/products/rain-jacket',
  cart: '/dev/storefront/cart',
  // A guest is sent to the log-in page, as Shopify does.
  account: '/dev/storefront/account',
} as const;

describe('storefront screenshots', () => {
  for (const audience of ['guest', 'member'] as const) {
    for (const viewport of Object.keys(VIEWPORTS) as Viewport[]) {
      describe(`${audience} on ${viewport}`, () => {
        let context: BrowserContext;
        beforeAll(async () => {
          context = await newContext(browser, viewport);
          const cookies = [{ name: 'tally_dev_cart', value: encodeURIComponent(JSON.stringify({ 8004: 1, 8002: 2 })), url: app.url }];
          if (audience === 'member') cookies.push({ name: 'tally_dev_customer', value: demo.customerId.split('/').pop()!, url: app.url });
          await context.addCookies(cookies);
        });
        afterAll(() => context?.close());

        for (const [page, path] of Object.entries(STOREFRONT_PAGES)) {
          it(page, () => expectPageLooksLike(context, `${app.url}${path}`, `storefront-${page}-${audience}-${viewport}`));
        }

        if (audience === 'member' || viewport === 'desktop') {
          it('rewards panel open', () =>
            expectPageLooksLike(context, `${app.url}${STOREFRONT_PAGES.product}`, `storefront-panel-${audience}-${viewport}`, {
              before: async (page) => {
                await page.locator('tally-widget[data-floating] [data-action="toggle"]').click();
                await page.getByRole('dialog').waitFor();
              },
            }));
        }
      });
    }
  }
});

describe('admin screenshots', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await newContext(browser, 'desktop');
  });
  afterAll(() => context?.close());

  const ADMIN_PAGES: Array<[name: string, path: () => string, shop?: string]> = [
    ['dashboard', () => '/'],
    ['analytics', () => '/analytics'],
    ['members', () => '/members'],
    ['segments', () => '/segments'],
    ['feedback', () => '/feedback'],
    ['member', () => `/members/${demo.id}`],
    ['earn-rules', () => '/earn-rules'],
    ['rewards', () => '/rewards'],
    ['redemptions', () => '/redemptions'],
    ['tiers', () => '/tiers'],
    ['referrals', () => '/referrals'],
    ['imports', () => '/imports'],
    ['settings', () => '/settings'],
    ['widget', () => '/widget'],
    // First-run onboarding, on the development shop that has not been through it.
    ['onboarding', () => '/onboarding', DEV_FRESH_SHOP],
  ];
  for (const [name, path, shop] of ADMIN_PAGES) {
    it(name, () => expectPageLooksLike(context, `${app.url}${path()}?shop=${shop ?? DEV_SHOP}`, `admin-${name}`, { fullPage: true }));
  }
});
