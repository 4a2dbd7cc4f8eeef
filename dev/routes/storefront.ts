// The development storefront: a small theme (home, product, cart, account)
// rendering the REAL theme app extension through liquidjs, and Shopify's two
// storefront services the widget relies on:
// - the app proxy: /apps/tally/* is signed exactly as Shopify signs it
//   (shop, logged_in_customer_id, path_prefix, timestamp, signature) and
//   forwarded over HTTP to the real /proxy routes;
// - discount links: /discount/CODE?redirect=/… puts the code on the cart.
// Who is logged in is a cookie set by the "log in as" switch, as Shopify's
// session cookie would be; the browser never names a customer to the proxy.
// Mounted only when development tools are on (config.devTools, see createApp).
import express, { Router, type Request, type Response } from 'express';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Config } from '../../web/config.js';
import { DEV_SHOP } from '../../web/config.js';
import type { PrismaClient } from '../../web/db.js';
import type { Programs } from '../../web/loyalty/program.js';
import { forwardSigned, proxiedBody } from './storefront-proxy.js';
import { HttpError } from '../../web/http/errors.js';
import { storefrontEngine } from '../../web/theme-extension/liquid.js';
import { EXTENSION_DIR, defaultSettings, readBlock } from '../../web/theme-extension/read.js';
import { CATALOGUE, liquidProduct } from '../storefront/catalogue.js';
import { storefrontMetafields } from '../../web/loyalty/storefront-program.js';
import { STOREFRONT_LOCALES } from '../../web/loyalty/domain/widget.js';

const THEME_DIR = fileURLToPath(new URL('../storefront/theme', import.meta.url));
const ASSET_BASE = '/dev/storefront/assets';
const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.json': 'application/json',
};

function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

const numericId = (gid: string) => gid.split('/').pop()!;

/**
 * `body` compressed as Shopify serves storefront pages and its CDN serves
 * assets (brotli or gzip, as the browser accepts), so page-speed figures
 * measured on the dev storefront are not skewed by an uncompressed dev server.
 */
function compressed(req: Request, body: Buffer): { body: Buffer; headers: Record<string, string> } {
  const accepts = req.get('accept-encoding') ?? '';
  const encoding = /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : null;
  if (!encoding) return { body, headers: { Vary: 'Accept-Encoding' } };
  return {
    body: encoding === 'br' ? brotliCompressSync(body) : gzipSync(body),
    headers: { Vary: 'Accept-Encoding', 'Content-Encoding': encoding },
  };
}
type Cart = Record<string, number>;

export interface StorefrontDeps {
  config: Config;
  prisma: PrismaClient;
  programs: Programs;
}

export function devStorefront(deps: StorefrontDeps): Router {
  const router = Router();
  const { engine } = storefrontEngine({ themeDir: THEME_DIR, assetBase: ASSET_BASE, cache: deps.config.mode !== 'development' });
  const shop = DEV_SHOP;

  /** The seeded member with the most points: who "log in as demo member" becomes. */
  const demoMember = () =>
    deps.prisma.member.findFirst({ where: { shop, redactedAt: null }, orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }] });

  async function loggedIn(req: Request) {
    const id = cookies(req).tally_dev_customer;
    if (!id || !/^\d+$/.test(id)) return null;
    return deps.prisma.member.findUnique({ where: { shop_customerId: { shop, customerId: `gid://shopify/Customer/${id}` } } });
  }

  /** The global Liquid objects of a Shopify storefront, as far as the theme and the extension use them. */
  async function globals(req: Request, res: Response) {
    const c = cookies(req);
    const queryLocale = typeof req.query.locale === 'string' ? req.query.locale : undefined;
    const locale = STOREFRONT_LOCALES.find((l) => l.code === (queryLocale ?? c.tally_dev_locale))?.code ?? 'en';
    if (queryLocale) res.cookie('tally_dev_locale', locale, { sameSite: 'lax', path: '/' });
    const queryEmbed = req.query.embed === 'off' || req.query.embed === 'on' ? String(req.query.embed) : undefined;
    if (queryEmbed) res.cookie('tally_dev_embed', queryEmbed, { sameSite: 'lax', path: '/' });
    const [shopRow, member, program] = await Promise.all([
      deps.prisma.shop.findUnique({ where: { domain: shop } }),
      loggedIn(req),
      deps.programs.get(shop),
    ]);
    const tier = member?.tierId ? await deps.prisma.tier.findUnique({ where: { id: member.tierId } }) : null;
    const currency = shopRow?.currencyCode ?? 'USD';
    const cart = cartObject(c, currency);
    return {
      shop: {
        name: shopRow?.name ?? 'Demo store',
        currency,
        permanent_domain: shop,
        // The app-owned metafield sync-program-to-shopify writes; the product block computes points from it.
        metafields: { '$app:tally': Object.fromEntries(storefrontMetafields(program).map((m) => [m.key, { value: m.value }])) },
      },
      request: { locale: { iso_code: locale } },
      locales: STOREFRONT_LOCALES,
      embed_enabled: (queryEmbed ?? c.tally_dev_embed) !== 'off',
      routes: {
        root_url: '/',
        cart_url: '/dev/storefront/cart',
        account_url: '/dev/storefront/account',
        account_login_url: '/dev/storefront/account/login',
        account_register_url: '/dev/storefront/account/register',
      },
      cart,
      // What Shopify's customer object carries once Tally's sync job wrote the member's app-owned metafields.
      customer: member && {
        id: Number(numericId(member.customerId)),
        first_name: member.firstName,
        name: [member.firstName, member.lastName].filter(Boolean).join(' '),
        email: member.email,
        metafields: {
          '$app:tally': {
            points_available: { value: member.pointsAvailable },
            points_pending: { value: member.pointsPending },
            lifetime_earned: { value: member.lifetimeEarned },
            tier: { value: tier?.name ?? null },
          },
        },
      },
    };
  }

  function cartObject(c: Record<string, string>, currency: string) {
    let lines: Cart = {};
    try {
      lines = JSON.parse(c.tally_dev_cart ?? '{}');
    } catch {
      lines = {};
    }
    const items = Object.entries(lines).flatMap(([variantId, quantity]) => {
      const product = CATALOGUE.find((p) => p.variants.some((v) => String(v.id) === variantId));
      const variant = product?.variants.find((v) => String(v.id) === variantId);
      return product && variant
        ? [
            {
              title: product.variants.length > 1 ? `${product.title} (${variant.title})` : product.title,
              quantity,
              line_price: variant.price * quantity,
            },
          ]
        : [];
    });
    return {
      currency: { iso_code: currency },
      items,
      item_count: items.reduce((n, i) => n + i.quantity, 0),
      total_price: items.reduce((n, i) => n + i.line_price, 0),
      discount_code: c.discount_code ?? null,
      // As Shopify's cart has them: the code the /discount link put on the cart.
      discount_applications: c.discount_code ? [{ type: 'discount_code', title: c.discount_code }] : [],
    };
  }

  /** Renders one of the extension's blocks with its default settings, as the theme editor would place it. */
  async function renderBlock(handle: string, scope: object, used: Set<string>) {
    const block = readBlock(`${handle}.liquid`);
    if (block.schema.javascript) used.add(block.schema.javascript);
    if (block.schema.stylesheet) used.add(block.schema.stylesheet);
    // Shopify's global objects reach snippets rendered with {% render %}; the block object does not.
    const html = await engine.renderFile(
      handle,
      { block: { id: `dev-${handle}`, settings: defaultSettings(block.schema) } },
      { globals: scope },
    );
    return `<div class="shopify-block shopify-app-block" id="shopify-block-${handle}">${html}</div>`;
  }

  async function page(req: Request, res: Response, template: string, title: string, blocks: Record<string, string>, extra: object = {}) {
    const scope = { ...(await globals(req, res)), ...extra };
    const used = new Set<string>();
    const rendered: Record<string, string> = {};
    for (const [name, handle] of Object.entries(blocks)) rendered[name] = await renderBlock(handle, scope, used);
    const embeds = scope.embed_enabled ? await renderBlock('app-embed', scope, used) : '';
    const content = await engine.renderFile(template, { ...scope, blocks: rendered });
    // Shopify adds each used block's schema assets to the head, once per page; scripts load deferred.
    const head = [...used]
      .map((file) =>
        file.endsWith('.js')
          ? `<script src="${ASSET_BASE}/${file}" defer></script>`
          : `<link rel="stylesheet" href="${ASSET_BASE}/${file}">`,
      )
      .join('\n');
    const html = await engine.renderFile('layout', {
      ...scope,
      page_title: title,
      content_for_header: head,
      content_for_layout: content,
      app_embeds: embeds,
    });
    const out = compressed(req, Buffer.from(html));
    res
      .type('html')
      .set({ 'Cache-Control': 'no-store', ...out.headers })
      .send(out.body);
  }

  router.get('/dev/storefront', (req, res) => page(req, res, 'index', 'Home', {}, { products: CATALOGUE.map(liquidProduct) }));

  router.get('/dev/storefront/products/:handle', async (req, res) => {
    const product = CATALOGUE.find((p) => p.handle === req.params.handle);
    if (!product) throw new HttpError(404, 'not_found', 'No such product');
    await page(req, res, 'product', product.title, { product_points: 'product-points' }, { product: liquidProduct(product) });
  });

  router.get('/dev/storefront/cart', (req, res) => page(req, res, 'cart', 'Cart', { cart_redeem: 'cart-redeem' }));

  router.get('/dev/storefront/account', async (req, res) => {
    if (!(await loggedIn(req))) return res.redirect('/dev/storefront/account/login');
    await page(req, res, 'account', 'Account', { member_card: 'member-card' });
  });

  for (const kind of ['login', 'register']) {
    router.get(`/dev/storefront/account/${kind}`, async (req, res) => {
      const member = await demoMember();
      await page(
        req,
        res,
        'login',
        kind === 'login' ? 'Log in' : 'Create an account',
        {},
        {
          register: kind === 'register',
          back: '/dev/storefront/account',
          demo_member_name: member ? [member.firstName, member.lastName].filter(Boolean).join(' ') : 'the demo member',
        },
      );
    });
  }

  /** The "log in as" switch: the demo member, a given customer id, or a guest. */
  router.post('/dev/storefront/session', express.urlencoded({ extended: false }), async (req, res) => {
    const as = String(req.body?.as ?? 'guest');
    if (as === 'guest') res.clearCookie('tally_dev_customer', { path: '/' });
    else {
      const member = as === 'member' ? await demoMember() : null;
      const id = member ? numericId(member.customerId) : as;
      if (!/^\d+$/.test(id)) throw new HttpError(400, 'invalid_customer', 'Log in as "member", "guest" or a numeric customer id');
      res.cookie('tally_dev_customer', id, { sameSite: 'lax', path: '/', httpOnly: true });
    }
    const back = String(req.body?.back ?? req.get('referer') ?? '/dev/storefront');
    res.redirect(303, safeLocalPath(back, req.get('host')));
  });

  router.post('/dev/storefront/cart/add', express.urlencoded({ extended: false }), (req, res) => {
    const variant = String(req.body?.variant ?? '');
    if (!CATALOGUE.some((p) => p.variants.some((v) => String(v.id) === variant)))
      throw new HttpError(400, 'invalid_variant', 'No such variant');
    let lines: Cart = {};
    try {
      lines = JSON.parse(cookies(req).tally_dev_cart ?? '{}');
    } catch {
      lines = {};
    }
    lines[variant] = (lines[variant] ?? 0) + 1;
    res.cookie('tally_dev_cart', JSON.stringify(lines), { sameSite: 'lax', path: '/' });
    res.redirect(303, '/dev/storefront/cart');
  });

  router.get('/dev/storefront/assets/:file', (req, res) => {
    const file = path.basename(req.params.file);
    const type = ASSET_TYPES[path.extname(file)];
    if (!type) throw new HttpError(404, 'not_found', 'No such asset');
    let body: Buffer;
    try {
      body = readFileSync(path.join(EXTENSION_DIR, 'assets', file));
    } catch {
      throw new HttpError(404, 'not_found', 'No such asset');
    }
    const out = compressed(req, body);
    res
      .type(type)
      .set({ 'Cache-Control': 'public, max-age=300', ...out.headers })
      .send(out.body);
  });

  /** Shopify's shareable discount link: the code goes on the cart, then the shopper goes where `redirect` says. */
  router.get('/discount/:code', (req, res) => {
    res.cookie('discount_code', req.params.code, { sameSite: 'lax', path: '/' });
    res.redirect(302, safeLocalPath(String(req.query.redirect ?? '/dev/storefront'), req.get('host')));
  });

  /** The app proxy on the storefront's own origin, as the widget calls it; the shopper is the login cookie's. */
  router.all('/apps/tally/*rest', proxiedBody, async (req, res) => {
    const rest = ([] as string[])
      .concat(req.params.rest ?? [])
      .map(encodeURIComponent)
      .join('/');
    const customer = cookies(req).tally_dev_customer;
    res.set('Cache-Control', 'private, no-store');
    await forwardSigned(
      req,
      res,
      { shop, customerId: customer && /^\d+$/.test(customer) ? customer : null, pathPrefix: '/apps/tally', rest },
      deps.config.shopify.apiSecret,
    );
  });

  return router;
}

/** Only same-site paths: an open redirect would let any link bounce shoppers elsewhere. */
function safeLocalPath(target: string, host = 'local'): string {
  try {
    const url = new URL(target, `http://${host}`);
    return url.host === host ? url.pathname + url.search : '/dev/storefront';
  } catch {
    return '/dev/storefront';
  }
}
