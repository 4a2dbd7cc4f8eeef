// Builds the storefront widget's script: extensions/loyalty-widget-src/*.ts
// → extensions/loyalty-widget/assets/tally-widget.js. Shopify deploys the
// extension folder as it is, so the built file is committed; a test checks it
// equals a fresh build. `npm run build:widget` writes it.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const WIDGET_ENTRY = fileURLToPath(new URL('../extensions/loyalty-widget-src/tally-widget.ts', import.meta.url));
export const WIDGET_ASSET = fileURLToPath(new URL('../extensions/loyalty-widget/assets/tally-widget.js', import.meta.url));

/** The bundle as bytes, without writing it. */
export async function buildWidget(): Promise<Buffer> {
  const result = await build({
    entryPoints: [WIDGET_ENTRY],
    bundle: true,
    minify: true,
    // A classic script (Shopify loads it with defer), its names kept out of the page's globals.
    format: 'iife',
    target: 'es2022',
    charset: 'utf8',
    // Private members are spelled _name; minifying their names saves about 5%.
    mangleProps: /^_/,
    // No "use strict" prologue: the iife's code is strict-safe and every byte ships to every shopper.
    tsconfigRaw: {},
    write: false,
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await buildWidget();
  writeFileSync(WIDGET_ASSET, bytes);
  console.log(`${WIDGET_ASSET}: ${bytes.length} bytes`);
}
