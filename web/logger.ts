import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import type { Options as RequestLogOptions } from 'pino-http';

export type { Logger };

/** What a request line carries besides its message; headers only at debug. */
const REQUEST_FIELDS = 'req,res,responseTime';

/** JSON logs (one line per event, request ids included); readable lines when a developer watches a terminal. */
export function createLogger(level: string, options: { pretty?: boolean; destination?: pino.DestinationStream } = {}): Logger {
  const detailed = level === 'debug' || level === 'trace';
  const settings: pino.LoggerOptions = {
    level,
    base: { app: 'tally' },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-shopify-access-token"]', 'req.headers.cookie'], remove: true },
    ...(options.pretty
      ? {
          transport: {
            target: 'pino-pretty',
            // A request's line says it all ("GET /members 200 12 ms"); its fields would add a screen per request.
            // Other events keep their fields, on the event's own line.
            options: {
              ignore: detailed ? 'pid,hostname,app' : `pid,hostname,app,${REQUEST_FIELDS}`,
              translateTime: 'HH:MM:ss',
              singleLine: true,
            },
          },
        }
      : {}),
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/**
 * Requests for files (Vite's modules in development, the built UI's assets
 * and translations, the storefront's scripts and styles): a page load asks
 * for hundreds. They
 * are not logged unless they fail.
 */
const ASSET_PATH =
  /^\/(@|__|node_modules\/|src\/|assets\/|locales\/)|^\/(dev\/storefront|widget-preview)\/assets\/|\.(m?js|css|map|tsx?|jsx|png|jpe?g|gif|svg|ico|webp|woff2?|ttf)$/;

/** The path without its query: queries carry signatures and session tokens. */
export function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0]!;
}

/** The app's own calls to the Admin API stand-in (every minute, from the jobs): at debug, like other chatter. */
const STANDIN_PATH = /^\/dev\/shopify\//;

export function isQuietRequest(method: string | undefined, path: string, status: number): boolean {
  if (path === '/healthz') return status < 500;
  return (method === 'GET' || method === 'HEAD') && ASSET_PATH.test(path) && status < 400;
}

function requestLine(req: IncomingMessage, res: ServerResponse, ms: number): string {
  return `${req.method} ${pathOf((req as { originalUrl?: string }).originalUrl ?? req.url)} ${res.statusCode} ${Math.round(ms)} ms`;
}

/**
 * pino-http's options: one line per request — "GET /members 200 12 ms" —
 * with the request id; headers only when LOG_LEVEL is debug; files (assets,
 * Vite's modules) and health checks not at all unless they fail.
 */
export function requestLogging(logger: Logger): RequestLogOptions {
  const detailed = () => logger.isLevelEnabled('debug');
  return {
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) =>
        detailed() ? req : { id: req.id, method: req.method, path: pathOf(req.url) },
      res: (res: { statusCode: number }) => (detailed() ? res : { statusCode: res.statusCode }),
    },
    customLogLevel: (req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      const path = pathOf((req as { originalUrl?: string }).originalUrl ?? req.url);
      if (isQuietRequest(req.method, path, res.statusCode)) return 'silent';
      return STANDIN_PATH.test(path) && res.statusCode < 400 ? 'debug' : 'info';
    },
    customSuccessMessage: requestLine,
    // pino-http gives no time here; the line's responseTime field has it.
    customErrorMessage: (req, res, error) =>
      `${req.method} ${pathOf((req as { originalUrl?: string }).originalUrl ?? req.url)} ${res.statusCode} — ${error.message}`,
  };
}
