// Bundles the checkout UI extension (extensions/tally-thank-you/src) the way
// the Shopify CLI does — esbuild, Preact's automatic JSX, one ES module per
// target, minified — for the local harness (tests/e2e/harness/thank-you), the
// dev server and the 64 KB compiled-size check (scripts/check-extension.ts).
// Shopify builds and hosts the deployed extension itself, so nothing here is
// committed. `npm run build:thank-you` writes build/thank-you/*.js.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const src = (file: string) => fileURLToPath(new URL(`../extensions/tally-thank-you/src/${file}`, import.meta.url));

export const THANK_YOU_DIR = fileURLToPath(new URL('../extensions/tally-thank-you/', import.meta.url));
/** Shopify's compiled-size limit for a checkout UI extension's script. */
export const THANK_YOU_LIMIT_BYTES = 64 * 1024;
/** Each target's module, as shopify.extension.toml names them. */
export const THANK_YOU_TARGETS = [
  { target: 'purchase.thank-you.block.render', entry: src('ThankYou.tsx'), file: 'thank-you.js' },
  { target: 'customer-account.order-status.block.render', entry: src('OrderStatus.tsx'), file: 'order-status.js' },
] as const;

/** One target's bundle as bytes; `appUrl` is where it calls Tally (the deployed build uses src/api.ts's default). */
export async function buildThankYou(entry: string = THANK_YOU_TARGETS[0].entry, appUrl?: string): Promise<Buffer> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    charset: 'utf8',
    define: appUrl ? { __TALLY_APP_URL__: JSON.stringify(appUrl) } : {},
    write: false,
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles![0]!.contents);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = fileURLToPath(new URL('../build/thank-you/', import.meta.url));
  mkdirSync(out, { recursive: true });
  for (const { entry, file } of THANK_YOU_TARGETS) {
    const bytes = await buildThankYou(entry, process.env.TALLY_APP_URL);
    writeFileSync(out + file, bytes);
    console.log(`${out}${file}: ${bytes.length} bytes (limit ${THANK_YOU_LIMIT_BYTES}), ${gzipSync(bytes, { level: 9 }).length} gzip`);
  }
}
