import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs (one line per event, request ids included); readable lines when a developer watches a terminal. */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  return pino({
    level,
    base: { app: 'tally' },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-shopify-access-token"]', 'req.headers.cookie'], remove: true },
    ...(options.pretty ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname,app', translateTime: 'HH:MM:ss' } } } : {}),
  });
}
