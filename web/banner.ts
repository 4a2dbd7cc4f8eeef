// What `npm run dev` prints once it is ready: where everything is, one page
// a line, so a newcomer can open them from the terminal.
import { DEV_FRESH_SHOP, type Config } from './config.js';

export interface DevelopmentPage {
  name: string;
  path: string;
}

/** The development pages a person opens in a browser (tests/integration/dev-log.test.ts loads each). */
export const DEVELOPMENT_PAGES: readonly DevelopmentPage[] = [
  { name: 'Admin', path: '/' },
  { name: 'Storefront', path: '/dev/storefront' },
  { name: 'Webhook simulator', path: '/dev/webhooks' },
  { name: 'Widget preview', path: '/widget' },
  { name: 'Ledger check', path: '/dev/doctor' },
  // The admin of a development shop that was never onboarded: the first run.
  { name: 'Onboarding', path: `/?shop=${DEV_FRESH_SHOP}` },
];

/** The start-up banner: the URL, the mode, whether development tools are on (and why), and then every development page with its address. */
export function startupBanner(url: string, config: Config): string {
  const database = 'url' in config.database ? 'PostgreSQL (DATABASE_URL)' : `embedded database in ${config.database.embedded.dataDir}`;
  const head = [`Tally is listening on ${url} (${config.mode}, ${database})`, `Development tools ${config.devToolsReason}`].join('\n');
  if (!config.devTools) return head;
  const width = Math.max(...DEVELOPMENT_PAGES.map((p) => p.name.length));
  const pages = DEVELOPMENT_PAGES.map((p) => `  ${p.name.padEnd(width)}  ${url}${p.path}`);
  return [head, ...pages].join('\n');
}
