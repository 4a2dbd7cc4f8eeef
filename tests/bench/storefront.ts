// Storefront benchmark: what the widget costs a store's page speed.
//   - Lighthouse (performance, mobile defaults: Moto G Power emulation,
//     simulated slow 4G) on the dev storefront's product page with the app
//     embed on and off, in the same run, alternating, several runs each;
//     the median scores and their difference. Built for Shopify forbids
//     lowering the score by more than 10 points; our target is 2.
//   - The widget script's size: raw, gzip and brotli.
// The page is rendered by Tally's dev storefront from the real extension,
// for a logged-in member (the launcher shows their balance).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { DEV_SHOP, loadConfig } from '../../web/config.js';
import { startTally } from '../../web/start.js';
import { WIDGET_ASSET } from '../../scripts/build-widget.js';
import { chromiumPath, CHROMIUM_ARGS } from '../helpers/browser.js';

const RUNS = Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Sample {
  score: number;
  lcp: number;
  tbt: number;
  cls: number;
  scriptBytes: number;
}

async function main() {
  const tally = await startTally(loadConfig({ NODE_ENV: 'test', PORT: '0', TALLY_DATA_DIR: 'memory://', TALLY_SEED: 'true', TALLY_WORKER: 'false', LOG_LEVEL: 'silent' }), { frontend: false });
  const member = await tally.db.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP }, orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }] });
  const cookie = `tally_dev_customer=${member.customerId.split('/').pop()}`;
  const chrome = await chromeLauncher.launch({ chromePath: chromiumPath(), chromeFlags: [...CHROMIUM_ARGS.filter((f) => f !== '--headless'), '--headless=new'] });
  const samples: Record<'on' | 'off', Sample[]> = { on: [], off: [] };
  try {
    // One unmeasured load of each page warms the server's template cache.
    for (const embed of ['on', 'off']) await fetch(`${tally.url}/dev/storefront/products/rain-jacket?embed=${embed}`, { headers: { cookie } });
    for (let run = 0; run < RUNS; run++) {
      // Alternate which goes first, so neither always meets a cold server.
      for (const embed of run % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        const url = `${tally.url}/dev/storefront/products/rain-jacket?embed=${embed}`;
        const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'], extraHeaders: { cookie } });
        const lhr = result!.lhr;
        const audit = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
        const scripts = (lhr.audits['network-requests']?.details as { items?: Array<{ resourceType?: string; transferSize?: number }> } | undefined)?.items ?? [];
        samples[embed].push({
          score: Math.round((lhr.categories.performance?.score ?? 0) * 100),
          lcp: audit('largest-contentful-paint'),
          tbt: audit('total-blocking-time'),
          cls: audit('cumulative-layout-shift'),
          scriptBytes: scripts.filter((r) => r.resourceType === 'Script').reduce((n, r) => n + (r.transferSize ?? 0), 0),
        });
        console.log(`run ${run + 1}/${RUNS} embed ${embed}: performance ${samples[embed].at(-1)!.score}`);
      }
    }
  } finally {
    await chrome.kill();
    await tally.close();
  }

  const raw = readFileSync(WIDGET_ASSET);
  const size = {
    raw: raw.length,
    gzip: gzipSync(raw, { level: 9 }).length,
    brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  const summary = (xs: Sample[]) => ({
    score: median(xs.map((s) => s.score)),
    lcp: median(xs.map((s) => s.lcp)),
    tbt: median(xs.map((s) => s.tbt)),
    cls: median(xs.map((s) => s.cls)),
    scriptBytes: median(xs.map((s) => s.scriptBytes)),
    all: xs.map((s) => s.score),
  });
  const on = summary(samples.on);
  const off = summary(samples.off);
  const lines = [
    `# Storefront widget benchmark`,
    '',
    `${new Date().toISOString()}, Lighthouse ${(lighthouse as unknown as { version?: string }).version ?? '12'} (mobile defaults, simulated throttling), Chromium at ${chromiumPath()}, ${RUNS} runs each, alternating; product page of the dev storefront, logged-in member.`,
    '',
    '| page | performance (median) | all runs | LCP ms | TBT ms | CLS | script bytes transferred |',
    '|---|---:|---|---:|---:|---:|---:|',
    `| product page, embed off | ${off.score} | ${off.all.join(', ')} | ${Math.round(off.lcp)} | ${Math.round(off.tbt)} | ${off.cls.toFixed(3)} | ${off.scriptBytes} |`,
    `| product page, embed on | ${on.score} | ${on.all.join(', ')} | ${Math.round(on.lcp)} | ${Math.round(on.tbt)} | ${on.cls.toFixed(3)} | ${on.scriptBytes} |`,
    `| difference (on − off) | ${on.score - off.score} | | ${Math.round(on.lcp - off.lcp)} | ${Math.round(on.tbt - off.tbt)} | ${(on.cls - off.cls).toFixed(3)} | ${on.scriptBytes - off.scriptBytes} |`,
    '',
    `Widget script \`extensions/loyalty-widget/assets/tally-widget.js\`: ${size.raw} bytes raw, ${size.gzip} gzip (level 9), ${size.brotli} brotli (quality 11).`,
  ];
  mkdirSync('tests/bench/results', { recursive: true });
  writeFileSync('tests/bench/results/storefront.md', `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
}

await main();
