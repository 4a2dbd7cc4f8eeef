// `npm run dev`'s admin UI in a real Chromium while something else holds
// Vite's default hot-reload port (24678): the hot-reload WebSocket goes
// through Tally's own HTTP server, so the pages load without a WebSocket
// error and hot reload stays connected.
import net from 'node:net';
import type { WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';

const VITE_DEFAULT_HMR_PORT = 24678;

/** Holds the port like an unrelated program would; if one already does, that is just as good. */
async function holdPort(port: number): Promise<net.Server | null> {
  const squatter = net.createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    squatter.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
    squatter.listen(port, () => resolve(squatter));
  });
}

let squatter: net.Server | null = null;
beforeAll(async () => {
  squatter = await holdPort(VITE_DEFAULT_HMR_PORT);
});
afterAll(async () => {
  await new Promise((resolve) => (squatter ? squatter.close(resolve) : resolve(undefined)));
});

const app = useTestApp({ frontend: true, env: { NODE_ENV: 'development' } });
const browser = useBrowser();

describe('hot reload in development', () => {
  it('serves admin pages with no WebSocket error while port 24678 is taken, the HMR socket on Tally’s port', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const { problems } = collectPageProblems(page);
    const sockets: WebSocket[] = [];
    const connected: string[] = [];
    page.on('websocket', (socket) => {
      sockets.push(socket);
      socket.on('framereceived', ({ payload }) => {
        if (String(payload).includes('"type":"connected"')) connected.push(socket.url());
      });
    });

    for (const [path, ready] of [
      ['/members', 'member-link'],
      ['/rewards', 'reward-row'],
    ] as const) {
      await page.goto(`${app.url}${path}?shop=${DEV_SHOP}`);
      await page.getByTestId(ready).first().waitFor({ timeout: 60_000 });
      await page.waitForLoadState('networkidle');
    }
    await expect.poll(() => connected.length, { timeout: 20_000 }).toBeGreaterThan(0);

    const tallyPort = new URL(app.url).port;
    expect(sockets.map((s) => new URL(s.url()).port)).toEqual(sockets.map(() => tallyPort));
    expect(new URL(connected[0]!).port).toBe(tallyPort);
    expect(problems).toEqual([]);
  });
});
