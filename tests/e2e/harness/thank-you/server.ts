// A local harness for Tally's checkout UI extension: serves, on its own port
// (so on another origin than the app, as Shopify's CDN is, and the browser
// makes real CORS requests), a page that renders the extension's built Preact
// tree (npm run build:thank-you's bundle, calling the app at `appUrl`) with the
// `s-*` components and the fake `shopify` global of this folder.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildThankYou, THANK_YOU_TARGETS } from '../../../../scripts/build-thank-you.js';
import type { HarnessSetup } from './host.js';

const LOCALES = fileURLToPath(new URL('../../../../extensions/tally-thank-you/locales/', import.meta.url));

/** The extension's messages for a buyer's language (the default file for English or an unknown one). */
export function extensionMessages(locale: string): Record<string, unknown> {
  for (const file of [`${locale}.json`, `${locale.split('-')[0]}.json`]) {
    try {
      return JSON.parse(readFileSync(LOCALES + file, 'utf8'));
    } catch {
      // next candidate
    }
  }
  return JSON.parse(readFileSync(`${LOCALES}en.default.json`, 'utf8'));
}

export interface Harness {
  url: string;
  /** The page for one buyer: their language, the target and the order it shows. */
  pageUrl(setup: Omit<HarnessSetup, 'messages'>): string;
  close(): Promise<void>;
}

export async function startThankYouHarness(appUrl: string): Promise<Harness> {
  const scripts = new Map<string, Buffer>();
  for (const { entry, file } of THANK_YOU_TARGETS) scripts.set(`/${file}`, await buildThankYou(entry, appUrl));
  const page = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  scripts.set('/harness.js', Buffer.from(page.outputFiles![0]!.contents));

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    const script = scripts.get(url.pathname);
    if (script) return void res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    if (url.pathname !== '/') return void res.writeHead(404).end();
    const setup = JSON.parse(url.searchParams.get('setup') ?? '{}') as Omit<HarnessSetup, 'messages'>;
    const full: HarnessSetup = { ...setup, messages: extensionMessages(setup.locale) };
    const json = JSON.stringify({ setup: full, ready: false, error: null }).replace(/</g, '\\u003c');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="${setup.locale.replace(/[^\w-]/g, '')}"><head><meta charset="utf-8"><title>Thank you for your order</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>body { max-width: 560px; margin: 32px auto; padding: 0 16px; background: #f4f4f4; }</style>
<script>window.tallyHarness = ${json};</script>
<script type="module" src="/harness.js"></script></head><body></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    pageUrl: (setup) => `${url}/?setup=${encodeURIComponent(JSON.stringify(setup))}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
