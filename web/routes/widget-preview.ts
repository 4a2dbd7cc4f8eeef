// The widget preview the admin's Widget page shows in an iframe: the REAL
// storefront widget — the app embed's Liquid rendered with the settings being
// edited (as the shop metafield $app:tally.widget will carry them), the real
// script and stylesheet — on a sketch of a store page. Opening the panel talks
// to a sample app proxy under /widget-preview/demo/<guest|member>/apps/tally
// that answers like the real one with sample data: the preview holds no shop
// data, so it needs no session.
import path from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { parseWidgetSettings, storefrontLocaleCodes } from '../loyalty/domain/widget.js';
import { customPointsName } from '../loyalty/storefront-program.js';
import { EXTENSION_DIR, defaultSettings, readBlock } from '../theme-extension/read.js';
import { storefrontEngine } from '../theme-extension/liquid.js';
import { isShopDomain } from '../frontend/serve.js';

const ASSETS = new Set(['tally-widget.js', 'tally-panel.js', 'tally-widget.css']);

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Widget preview</title>
<link rel="stylesheet" href="/widget-preview/assets/tally-widget.css">
<script src="/widget-preview/assets/tally-widget.js" defer></script>
<style>
  body { margin: 0; font: 14px/1.4 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; background: #f6f6f7; color: #202223; height: 100vh; overflow: hidden; }
  .store { padding: 16px; } .store .bar { height: 12px; background: #dcdfe3; border-radius: 6px; margin: 10px 0; } .store .bar.short { width: 60%; }
</style></head>
<body>
<div class="store" aria-hidden="true"><div class="bar short"></div><div class="bar"></div><div class="bar"></div><div class="bar short"></div></div>
<main id="root" data-testid="widget-preview-root"></main>
<script>
  let latest = 0;
  async function show(message) {
    const mine = ++latest;
    const res = await fetch('/widget-preview/render', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings: message.settings, audience: message.audience, locale: message.locale, currencyName: message.program?.currencyName }) });
    if (mine !== latest) return; // a newer edit is on its way
    const root = document.getElementById('root');
    root.innerHTML = res.ok ? await res.text() : '';
    root.dataset.position = message.settings.launcher.position;
    root.dataset.audience = message.audience;
    root.dataset.locale = message.locale || 'en';
    document.documentElement.lang = message.locale || 'en';
    root.dataset.enabled = String(message.settings.enabled);
  }
  window.addEventListener('message', (event) => {
    if (event.origin !== location.origin || event.data?.type !== 'tally:widget-settings') return;
    void show(event.data);
  });
  parent.postMessage({ type: 'tally:widget-preview-ready' }, location.origin);
</script></body></html>`;

const noPerks = { multiplier: '1', freeShipping: false, birthdayBonus: 0, entryReward: null };
const SAMPLE_TIERS = [
  { id: 'bronze', name: 'Bronze', threshold: 0, perks: noPerks },
  { id: 'silver', name: 'Silver', threshold: 500, perks: { ...noPerks, multiplier: '1.25', birthdayBonus: 100 } },
  { id: 'gold', name: 'Gold', threshold: 2100, perks: { ...noPerks, multiplier: '1.5', freeShipping: true, birthdayBonus: 200 } },
];

/** What the sample app proxy answers: a member with points, a tier and rewards, or a guest. */
function sampleMember(audience: 'guest' | 'member') {
  const program = {
    name: 'Rewards',
    currencyName: 'points',
    waysToEarn: [
      { type: 'purchase', name: 'Points per purchase', trigger: 'order', config: { rate: '1' } },
      { type: 'signup', name: 'Signup bonus', trigger: 'signup', config: { points: 100 }, earned: audience === 'member' ? 1 : 0 },
    ],
    tiers: SAMPLE_TIERS,
    tierBasis: 'points-earned',
  };
  if (audience === 'guest') return { member: null, program };
  const now = Date.now();
  return {
    member: {
      firstName: 'Ava',
      points: { available: 1250, pending: 120, lifetimeEarned: 1800, lifetimeRedeemed: 550 },
      tier: { id: 'silver', name: 'Silver', keptUntil: new Date(now + 200 * 86_400_000).toISOString(), perks: SAMPLE_TIERS[1]!.perks },
      nextTier: { id: 'gold', name: 'Gold', remaining: 300, basis: 'points-earned' },
      referral: null,
      birthday: { month: 6, day: 20 },
      memberSince: new Date(now - 400 * 86_400_000).toISOString(),
      activity: [
        {
          kind: 'EARN',
          points: 120,
          status: 'PENDING',
          source: 'ORDER',
          availableAt: new Date(now + 20 * 86_400_000).toISOString(),
          createdAt: new Date(now - 86_400_000).toISOString(),
        },
      ],
    },
    program,
  };
}

const SAMPLE_REWARDS = [
  {
    id: 'sample-5-off',
    type: 'fixed-amount',
    name: '5 off for 500 points',
    pointsCost: 500,
    affordable: true,
    eligible: true,
    tiers: null,
    minimumSubtotal: 0,
  },
  {
    id: 'sample-shipping',
    type: 'free-shipping',
    name: 'Free shipping for 300 points',
    pointsCost: 300,
    affordable: true,
    eligible: true,
    tiers: null,
    minimumSubtotal: 0,
  },
  {
    id: 'sample-10-pct',
    type: 'percentage',
    name: '10% off for 1500 points',
    pointsCost: 1500,
    affordable: false,
    eligible: true,
    tiers: null,
    minimumSubtotal: 0,
  },
];

/**
 * The preview is framed by the admin's Widget page (this origin), itself framed
 * by the shop's admin: Chromium checks every ancestor, so the policy is the
 * admin pages' own (the shop and admin.shopify.com) plus 'self'.
 */
export function previewFramePolicy(shop: unknown): string {
  const admin = isShopDomain(shop) ? ` https://${shop.toLowerCase()} https://admin.shopify.com` : '';
  return `frame-ancestors 'self'${admin};`;
}

export function widgetPreviewRoutes(): Router {
  const router = Router();
  const { engine } = storefrontEngine({ assetBase: '/widget-preview/assets', cache: true });
  const embed = readBlock('app-embed.liquid');

  router.get('/widget-preview', (req, res) => {
    res
      .set({
        'Content-Security-Policy': previewFramePolicy(req.query.shop),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      })
      .type('html')
      .send(PAGE);
  });

  router.get('/widget-preview/assets/:file', (req, res) => {
    if (!ASSETS.has(req.params.file)) throw new HttpError(404, 'not_found', 'No such asset');
    res.sendFile(path.join(EXTENSION_DIR, 'assets', req.params.file));
  });

  /** The app embed as a storefront would render it with these settings. */
  router.post('/widget-preview/render', express.json({ limit: '16kb' }), async (req, res) => {
    const { audience, locale, currencyName } = z
      .object({
        audience: z.enum(['guest', 'member']),
        locale: z.enum(storefrontLocaleCodes).default('en'),
        currencyName: z.string().max(40).default('points'),
      })
      .parse(req.body);
    // Settings' name for points, as the shop metafield $app:tally.points_name will carry it.
    const pointsName = customPointsName({ settings: { currencyName } });
    const settings = parseWidgetSettings(req.body?.settings);
    if (!settings.ok) throw new HttpError(400, 'invalid_input', 'The widget settings are invalid', settings.errors);
    const html = await engine.renderFile(
      'app-embed',
      { block: { id: 'preview', settings: defaultSettings(embed.schema) } },
      {
        globals: {
          shop: {
            name: 'Your store',
            currency: 'USD',
            metafields: { '$app:tally': { widget: { value: settings.value }, points_name: { value: pointsName } } },
          },
          request: { locale: { iso_code: locale } },
          routes: {
            root_url: `/widget-preview/demo/${audience}`,
            cart_url: '#cart',
            account_login_url: '#login',
            account_register_url: '#register',
          },
          cart: { currency: { iso_code: 'USD' } },
          customer:
            audience === 'member'
              ? { id: 1, first_name: 'Ava', metafields: { '$app:tally': { points_available: { value: 1250 }, tier: { value: 'Silver' } } } }
              : null,
        },
      },
    );
    res.set('Cache-Control', 'no-store').type('html').send(html);
  });

  // The sample app proxy the previewed widget talks to.
  router.get('/widget-preview/demo/:audience/apps/tally/member', (req, res) => {
    res.json(sampleMember(req.params.audience === 'member' ? 'member' : 'guest'));
  });
  router.get('/widget-preview/demo/:audience/apps/tally/rewards', (req, res) => {
    const member = req.params.audience === 'member';
    res.json({ rewards: SAMPLE_REWARDS.map((r) => ({ ...r, affordable: member && r.affordable })), pointsAvailable: member ? 1250 : null });
  });
  // No survey in the preview: the member's panel and launcher as most shoppers see them.
  router.get('/widget-preview/demo/:audience/apps/tally/surveys/next', (_req, res) => {
    res.json({ survey: null });
  });
  router.post('/widget-preview/demo/:audience/apps/tally/redemptions', (_req, res) => {
    res.status(201).json({
      redemption: {
        id: 'sample',
        rewardName: SAMPLE_REWARDS[0]!.name,
        status: 'issued',
        points: 500,
        code: 'PREVIEW-5OFF',
        discountUrl: null,
        expiresAt: null,
        error: null,
      },
    });
  });
  return router;
}
