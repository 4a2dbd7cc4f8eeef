import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'tally' },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-shopify-access-token"]', 'req.headers.cookie'], remove: true },
  });
}
