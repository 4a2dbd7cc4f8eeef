// Composition root: config → database, jobs, Shopify → app → listen.
// SIGTERM/SIGINT stop taking requests and let in-flight work finish.
import { ConfigError, loadConfig } from './config.js';
import { startupBanner } from './banner.js';
import { createLogger } from './logger.js';
import { startTally, type Tally } from './start.js';
import { StartupError } from './startup-errors.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const pretty = config.mode === 'development' && process.stdout.isTTY;
const logger = createLogger(config.logLevel, { pretty });
let tally: Tally;
try {
  tally = await startTally(config, { logger });
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  // One line naming the setting to fix; the stack trace would only hide it.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
// In a terminal the banner says it all; JSON logs also get the facts as fields.
logger.info(
  pretty ? {} : { url: tally.url, mode: config.mode, worker: config.worker, adminApi: config.shopify.adminApi.kind },
  startupBanner(tally.url, config),
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000).unref();
    tally
      .close()
      .then(() => {
        clearTimeout(force);
        process.exit(0);
      })
      .catch((err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  });
}
