// Composition root: config → database, jobs, Shopify → app → listen.
// SIGTERM/SIGINT stop taking requests and let in-flight work finish.
import { ConfigError, loadConfig } from './config.js';
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
const logger = createLogger(config.logLevel, { pretty: config.mode === 'development' && process.stdout.isTTY });
let tally: Tally;
try {
  tally = await startTally(config, { logger });
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  // One line naming the setting to fix; the stack trace would only hide it.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
logger.info(
  { url: tally.url, mode: config.mode, worker: config.worker, adminApi: config.shopify.adminApi.kind },
  `Tally is listening on ${tally.url}`,
);
if (config.devTools) logger.info(`Admin UI: ${tally.url}/  ·  webhook simulator: ${tally.url}/dev/webhooks`);

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
