// Serves the admin UI (web/frontend) from the Express app.
//
// - production / test: the built files in dist/frontend (`npm run build`).
// - development: Vite in middleware mode, with hot reload.
//
// Either way, GET requests for a page (they accept HTML and aren't under a
// server prefix such as /api) get index.html, with the API key filled in and,
// when embedded in the Shopify admin, the App Bridge script.
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

export type FrontendMode = 'development' | 'production' | 'test';

export interface MountFrontendOptions {
  mode: FrontendMode;
  /** The app's client id, put in `<meta name="shopify-api-key">` for App Bridge. */
  apiKey: string;
  /** Load App Bridge from Shopify's CDN. Only when running inside the real Shopify admin. */
  embedded: boolean;
  /** The built UI; defaults to <repo>/dist/frontend. Not used in development. */
  distDir?: string;
  /**
   * Tally's own HTTP server. In development Vite's hot-reload WebSocket is
   * attached to it, rather than to a port of its own (24678 by default, which
   * anything else may hold). Without it, hot reload is off.
   */
  httpServer?: http.Server;
}

export interface MountedFrontend {
  close(): Promise<void>;
}

export const APP_BRIDGE_SCRIPT = '<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>';
export const APP_BRIDGE_PLACEHOLDER = '<!--app-bridge-->';
export const API_KEY_PLACEHOLDER = '%SHOPIFY_API_KEY%';

/** Paths the server answers itself: never the UI's index.html. */
export const SERVER_PATH_PREFIXES: readonly string[] = ['/api', '/proxy', '/dev', '/healthz'];

const FRONTEND_ROOT = fileURLToPath(new URL('.', import.meta.url));
export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../dist/frontend', import.meta.url));

const MISSING_BUILD_MESSAGE = "Tally's admin UI has not been built: run `npm run build` (it writes dist/frontend), then reload.\n";

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

export function isShopDomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 255 && SHOP_DOMAIN.test(value);
}

export function isServerPath(pathname: string): boolean {
  return SERVER_PATH_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/**
 * `Content-Security-Policy` for the UI's HTML. Shopify requires embedded apps
 * to allow framing by the shop's admin and admin.shopify.com only.
 */
export function contentSecurityPolicy(shop: unknown, mode: FrontendMode): string {
  if (isShopDomain(shop)) return `frame-ancestors https://${shop.toLowerCase()} https://admin.shopify.com;`;
  return mode === 'development' ? "frame-ancestors 'self';" : "frame-ancestors 'none';";
}

function escapeHtmlAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Fills in index.html: the API key, and the App Bridge script when embedded. */
export function renderIndexHtml(template: string, options: { apiKey: string; embedded: boolean }): string {
  return template
    .replaceAll(API_KEY_PLACEHOLDER, escapeHtmlAttribute(options.apiKey))
    .replace(APP_BRIDGE_PLACEHOLDER, options.embedded ? APP_BRIDGE_SCRIPT : '');
}

/** GET/HEAD for a page of the UI: accepts HTML, not a server path, not a file. */
function isPageRequest(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (isServerPath(req.path)) return false;
  // Vite's own modules in development (/@vite/client, /@react-refresh, /@fs/...).
  if (req.path.startsWith('/@') || req.path.startsWith('/__')) return false;
  if (req.path !== '/index.html' && path.posix.extname(req.path) !== '') return false;
  return req.accepts('html') === 'html';
}

function sendHtml(req: Request, res: Response, mode: FrontendMode, html: string): void {
  res.set({
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': contentSecurityPolicy(req.query.shop, mode),
    'X-Content-Type-Options': 'nosniff',
  });
  res.status(200).send(html);
}

function isMissingFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function mountBuilt(app: Express, options: MountFrontendOptions): MountedFrontend {
  const distDir = path.resolve(options.distDir ?? DEFAULT_DIST_DIR);
  const indexFile = path.join(distDir, 'index.html');
  let cached: string | null = null;

  const router = express.Router();

  // Hashed file names: cache for a year. A missing asset is a 404, never HTML.
  router.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), { index: false, immutable: true, maxAge: '1y' }),
    (req: Request, res: Response, next: NextFunction) => {
      if (req.method === 'GET' || req.method === 'HEAD') res.status(404).type('text/plain').send('Not found\n');
      else next();
    },
  );

  router.use(async (req: Request, res: Response, next: NextFunction) => {
    if (!isPageRequest(req)) return next();
    try {
      // Production reads index.html once; test re-reads it, so a build made
      // after the server started is picked up.
      const template = cached ?? (await readFile(indexFile, 'utf8'));
      if (options.mode === 'production') cached = template;
      sendHtml(req, res, options.mode, renderIndexHtml(template, options));
    } catch (error) {
      if (!isMissingFile(error)) return next(error);
      res.status(503).set('Cache-Control', 'no-store').type('text/plain').send(MISSING_BUILD_MESSAGE);
    }
  });

  // Anything else in the build (favicon...): revalidate every time.
  router.use(
    express.static(distDir, {
      index: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );

  app.use(router);
  return { close: async () => {} };
}

async function mountVite(app: Express, options: MountFrontendOptions): Promise<MountedFrontend> {
  // Vite is a devDependency: load it only in development.
  const { createServer } = await import('vite');
  const vite = await createServer({
    configFile: path.join(FRONTEND_ROOT, 'vite.config.ts'),
    server: { middlewareMode: true, hmr: options.httpServer ? { server: options.httpServer } : false },
    appType: 'custom',
  });

  const router = express.Router();

  router.use(async (req: Request, res: Response, next: NextFunction) => {
    if (!isPageRequest(req)) return next();
    try {
      const template = await readFile(path.join(FRONTEND_ROOT, 'index.html'), 'utf8');
      const html = await vite.transformIndexHtml(req.originalUrl, template);
      sendHtml(req, res, options.mode, renderIndexHtml(html, options));
    } catch (error) {
      next(error);
    }
  });

  // Modules, styles and assets (after the pages, so Vite never serves the
  // raw index.html).
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (isServerPath(req.path)) return next();
    vite.middlewares(req, res, next);
  });

  app.use(router);
  return { close: () => vite.close() };
}

/**
 * Mounts the admin UI on `app`. Call it after the server's own routes
 * (/api, /proxy, /dev, /healthz) and before the final 404 and error handlers.
 */
export async function mountFrontend(app: Express, options: MountFrontendOptions): Promise<MountedFrontend> {
  if (options.mode === 'development') return mountVite(app, options);
  return mountBuilt(app, options);
}
