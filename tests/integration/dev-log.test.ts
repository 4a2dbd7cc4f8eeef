// The development log a person reads: one line per request ("GET /members
// 200 12 ms"), nothing for Vite's modules, assets or health checks unless
// they fail, headers only at debug; and the start-up banner's pages all open.
import { Writable } from 'node:stream';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startupBanner, DEVELOPMENT_PAGES } from '../../web/banner.js';
import { DEV_SHOP, loadConfig } from '../../web/config.js';
import { createLogger, requestLogging } from '../../web/logger.js';
import { startTally, type Tally } from '../../web/start.js';

interface LogLine {
  level: number;
  msg: string;
  req?: Record<string, unknown>;
  res?: Record<string, unknown>;
  responseTime?: number;
}

/** A logger whose JSON lines land in `lines`. */
function capturingLogger(level: string) {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { lines, logger: createLogger(level, { destination }) };
}

const requestLines = (lines: LogLine[]) => lines.filter((l) => l.res !== undefined).map((l) => l.msg.replace(/ \d+ ms$/, ' N ms'));

const config = loadConfig({ NODE_ENV: 'development', PORT: '0', TALLY_DATA_DIR: 'memory://', LOG_LEVEL: 'info' });
const captured = capturingLogger('info');
let tally: Tally;
beforeAll(async () => {
  tally = await startTally(config, { logger: captured.logger });
});
afterAll(async () => {
  await tally?.close();
});

describe('the development request log', () => {
  it('has one short line per request, skips Vite modules, assets and health checks, and never logs a query or headers', async () => {
    captured.lines.length = 0;
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${tally.url}${path}`, { headers: { accept: 'text/html,*/*', ...headers } }).then(
        async (r) => [r.status, await r.text()] as const,
      );
    expect((await get(`/?shop=${DEV_SHOP}&id_token=SECRET-TOKEN`))[0]).toBe(200);
    expect((await get('/@vite/client'))[0]).toBe(200);
    expect((await get('/src/main.tsx'))[0]).toBe(200);
    expect((await get('/locales/en.json'))[0]).toBe(200);
    expect((await get('/dev/storefront/assets/tally-widget.js'))[0]).toBe(200);
    expect((await get('/healthz'))[0]).toBe(200);
    expect((await get('/dev/storefront', { cookie: 'tally_customer=SECRET-COOKIE' }))[0]).toBe(200);
    expect((await get('/api/admin/program'))[0]).toBe(401);
    expect((await get('/assets/no-such-file.js'))[0]).toBe(404);
    // The jobs' calls to the Admin API stand-in: not at info.
    await tally.admin.request(DEV_SHOP, '#graphql\n query { shop { name } }');
    await new Promise((r) => setTimeout(r, 100));

    expect(requestLines(captured.lines)).toEqual([
      'GET / 200 N ms',
      'GET /dev/storefront 200 N ms',
      'GET /api/admin/program 401 N ms',
      'GET /assets/no-such-file.js 404 N ms',
    ]);
    const text = JSON.stringify(captured.lines);
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('headers');
    const line = captured.lines.find((l) => l.msg.startsWith('GET / 200'))!;
    expect(line).toMatchObject({ level: 30, req: { method: 'GET', path: '/' }, res: { statusCode: 200 } });
    expect(typeof line.responseTime).toBe('number');
  });

  it('keeps the headers (the secret ones removed) at debug level', async () => {
    const { lines, logger } = capturingLogger('debug');
    const app = express()
      .use(pinoHttp(requestLogging(logger)))
      .get('/members', (_req, res) => void res.json([]));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    await fetch(`http://127.0.0.1:${port}/members?q=ann`, { headers: { 'x-trace': 'yes', authorization: 'Bearer SECRET' } });
    await new Promise((resolve) => server.close(resolve));
    expect(requestLines(lines)).toEqual(['GET /members 200 N ms']);
    expect(lines[0]!.req).toMatchObject({ method: 'GET', url: '/members?q=ann', headers: { 'x-trace': 'yes' } });
    expect(JSON.stringify(lines)).not.toContain('SECRET');
  });
});

describe('the start-up banner', () => {
  it('lists every development page, one a line, and each of them opens', async () => {
    const banner = startupBanner(tally.url, config);
    const lines = banner.split('\n');
    expect(lines[0]).toBe(`Tally is listening on ${tally.url} (development, embedded database in memory://)`);
    expect(lines[1]).toBe('Development tools on: not connected to a Shopify app, listening on 127.0.0.1 only');
    expect(lines.slice(2).map((l) => l.trim().split(/\s{2,}/))).toEqual(DEVELOPMENT_PAGES.map((p) => [p.name, `${tally.url}${p.path}`]));
    expect(DEVELOPMENT_PAGES.map((p) => p.name)).toEqual(
      expect.arrayContaining(['Admin', 'Storefront', 'Webhook simulator', 'Widget preview']),
    );
    for (const page of DEVELOPMENT_PAGES) {
      const res = await fetch(`${tally.url}${page.path}`, { headers: { accept: 'text/html' } });
      expect(res.status, page.path).toBe(200);
    }
  });
});
