// Builds the storefront widget's scripts: extensions/loyalty-widget-src/*.ts
// → extensions/loyalty-widget/assets/tally-widget.js (the element, on every
// page) and tally-panel.js (the panel's renderer, loaded on the first
// opening). Shopify deploys the extension folder as it is, so the built files
// are committed; a test checks they equal a fresh build. `npm run build:widget`
// writes them.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const src = (file: string) => fileURLToPath(new URL(`../extensions/loyalty-widget-src/${file}`, import.meta.url));
const asset = (file: string) => fileURLToPath(new URL(`../extensions/loyalty-widget/assets/${file}`, import.meta.url));

export const WIDGET_ENTRY = src('tally-widget.ts');
export const WIDGET_ASSET = asset('tally-widget.js');
/** Every script built, entry → asset. */
export const WIDGET_SCRIPTS = [
  { entry: WIDGET_ENTRY, asset: WIDGET_ASSET },
  { entry: src('panel.ts'), asset: asset('tally-panel.js') },
] as const;

/** A bundle as bytes, without writing it. */
export async function buildWidget(entry: string = WIDGET_ENTRY): Promise<Buffer> {
  const result = await build({
    entryPoints: [entry],
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
  for (const { entry, asset: file } of WIDGET_SCRIPTS) {
    const bytes = await buildWidget(entry);
    writeFileSync(file, bytes);
    console.log(`${file}: ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzip`);
  }
}
