// sync-program-to-shopify: the shop's app-owned metafield $app:tally.program
// follows the purchase rule, is written only when it changes, and is what
// the storefront's product block computes points from.
import { describe, expect, it } from 'vitest';
import { jobDefinitions } from '../../../web/jobs/definitions.js';
import { READ_PROGRAM_METAFIELD, syncProgramMetafields } from '../../../web/jobs/sync-program.js';
import { useTestApp } from '../../helpers/app.js';
import { proxyApi } from '../../helpers/requests.js';
import { shop, updateSettings } from './support.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' }, resetStandin: true });

const sync = () => syncProgramMetafields(app.prisma, app.programs, app.admin!);
const writes = () => app.standin!.state.requests.filter((r) => r.fields.includes('metafieldsSet')).length;
type Held = { value: string } | null;
async function storedBoth() {
  const { data } = await app.admin!.request<{ shop: { metafield: Held; widget: Held; pointsName: Held } }>(shop, READ_PROGRAM_METAFIELD, {
    namespace: '$app:tally',
    key: 'program',
    widgetKey: 'widget',
    pointsNameKey: 'points_name',
  });
  const parsed = (held: Held) => held && JSON.parse(held.value);
  return { program: parsed(data.shop.metafield), widget: parsed(data.shop.widget), pointsName: parsed(data.shop.pointsName) };
}
const stored = async () => (await storedBoth()).program;
const productText = async (handle: string) =>
  (await (await fetch(`${app.url}/dev/storefront/products/${handle}`)).text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('sync-program-to-shopify', () => {
  it('writes the purchase rule as the shop metafield, then writes again only when the rule changes', async () => {
    const first = await sync();
    expect(first).toMatchObject({ written: [shop], refused: [], failures: [] });
    expect(await stored()).toEqual({ rate: 1, rounding: 'down', excluded_product_ids: [] });

    const before = writes();
    expect(await sync()).toMatchObject({ written: [], unchanged: [shop] });
    expect(writes()).toBe(before);

    const rule = await app.prisma.earnRule.findFirstOrThrow({ where: { shop, type: 'purchase' } });
    try {
      await app.prisma.earnRule.update({
        where: { id: rule.id },
        data: {
          config: { ...(rule.config as object), rate: '1.5', rounding: 'nearest', excludedProductIds: ['gid://shopify/Product/7004'] },
        },
      });
      app.programs.forget(shop);
      expect((await sync()).written).toEqual([shop]);
      expect(await stored()).toEqual({ rate: 1.5, rounding: 'nearest', excluded_product_ids: [7004] });
      // The product block computes from the same value: 29.00 × 1.5 = 43.5, rounded to nearest; an excluded product shows nothing.
      expect(await productText('organic-cotton-tee')).toContain('Earn 44 points with this purchase');
      expect(await productText('rain-jacket')).not.toContain('with this purchase');
    } finally {
      await app.prisma.earnRule.update({ where: { id: rule.id }, data: { config: rule.config as object } });
      app.programs.forget(shop);
    }
  });

  it("writes the admin's widget settings as the shop metafield the app embed reads, and the embed follows them", async () => {
    await sync();
    expect((await storedBoth()).widget).toMatchObject({ enabled: true, launcher: { position: 'bottom-right' } });
    const program = await app.prisma.program.findUniqueOrThrow({ where: { shop } });
    const widget = {
      enabled: true,
      launcher: { position: 'bottom-left', icon: 'crown', label: 'Club perks', offset: 32, showOnMobile: false },
      colors: { accent: '#006e52', text: '#ffffff' },
      texts: { guestTitle: 'Join the club', guestBody: 'Members get more.', memberTitle: 'Your club' },
    };
    try {
      await app.prisma.program.update({ where: { shop }, data: { widget } });
      app.programs.forget(shop);
      const written = writes();
      expect((await sync()).written).toEqual([shop]);
      expect(writes()).toBe(written + 1); // only the widget metafield changed: one write
      expect((await storedBoth()).widget).toEqual(widget);
      const page = await (await fetch(`${app.url}/dev/storefront`)).text();
      expect(page).toContain('data-position="bottom-left"');
      expect(page).toContain('--tally-accent: #006e52');
      expect(page).toContain('--tally-offset: 32px');
      expect(page).toContain('data-hide-mobile');
      expect(page).toContain('Club perks');
      expect(page).toContain('Join the club');
      expect(page).toContain('"guest_intro":"Members get more."');
      await app.prisma.program.update({ where: { shop }, data: { widget: { ...widget, enabled: false } } });
      app.programs.forget(shop);
      expect(await (await fetch(`${app.url}/dev/storefront`)).text()).not.toContain('<tally-widget data-floating');
    } finally {
      await app.prisma.program.update({ where: { shop }, data: { widget: program.widget ?? undefined } });
      app.programs.forget(shop);
    }
  });

  it("names points as Settings does: the synced metafield, the product block and GET /proxy/member say 'stars'; the default stays translated", async () => {
    const program = await app.prisma.program.findUniqueOrThrow({ where: { shop } });
    const proxyProgram = async () => (await proxyApi(app.url, 'GET', '/member', null)).body.program;
    await sync();
    expect((await storedBoth()).pointsName).toBeNull();
    expect(await productText('organic-cotton-tee')).toContain('Earn 29 points with this purchase');
    expect(await proxyProgram()).toMatchObject({ pointsName: null });
    try {
      await updateSettings(app, { currencyName: 'stars' });
      expect((await sync()).written).toEqual([shop]);
      expect((await storedBoth()).pointsName).toBe('stars');
      expect(await productText('organic-cotton-tee')).toContain('Earn 29 stars with this purchase');
      expect(await productText('organic-cotton-tee?locale=de')).toContain('Sammle 29 stars mit diesem Kauf');
      expect(await proxyProgram()).toMatchObject({ currencyName: 'stars', pointsName: 'stars' });
      // Markup in the name is text, in Liquid as in the JSON.
      await updateSettings(app, { currencyName: '<b>stars</b>' });
      await sync();
      expect(await (await fetch(`${app.url}/dev/storefront/products/organic-cotton-tee`)).text()).toContain(
        'Earn 29 &lt;b&gt;stars&lt;/b&gt; with this purchase',
      );
    } finally {
      await app.prisma.program.update({ where: { shop }, data: { settings: program.settings as object } });
      app.programs.forget(shop);
    }
    await sync();
    expect((await storedBoth()).pointsName).toBeNull();
  });

  it('runs on a schedule, one at a time', () => {
    expect(jobDefinitions['sync-program-to-shopify']).toMatchObject({ cron: '*/10 * * * *', policy: 'stately' });
  });
});
