// The error middleware's safety net for text PostgreSQL cannot store (a NUL
// character): whichever layer reached the database — pg, Prisma's client,
// Prisma's raw queries — the answer is a 400 in the one error shape, not a
// 500. Routes that check their input first never get here; this catches the
// ones that forgot (issue 13, item 7).
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMiddleware, refuseNulCharacters } from '../../web/http/errors.js';
import { useTestApp } from '../helpers/app.js';

const app = useTestApp({ seed: false });
let base = '';
let close: () => Promise<void>;

beforeAll(async () => {
  const web = express();
  web.use(express.json());
  web.post('/pg', async (req, res) => res.json((await app.db.pool.query('SELECT $1::text AS text', [req.body.text])).rows[0]));
  web.post('/prisma', async (req, res) =>
    res.json(await app.prisma.shop.create({ data: { domain: `nul-${Date.now()}.myshopify.com`, name: req.body.text } })),
  );
  web.post('/raw', async (req, res) => res.json(await app.prisma.$queryRaw`SELECT ${req.body.text}::text AS text`));
  web.post('/checked', refuseNulCharacters, (req, res) => res.json(req.body));
  web.use(errorMiddleware);
  const server = web.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close?.());

const postText = async (path: string, text: string) => {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  return { status: res.status, body: await res.json() };
};

describe('text PostgreSQL cannot store', () => {
  it.each(['/pg', '/prisma', '/raw'])('answers 400 invalid_input through %s', async (path) => {
    expect(await postText(path, 'Ann\u0000a')).toEqual({
      status: 400,
      body: { error: { code: 'invalid_input', message: expect.any(String) } },
    });
    expect((await postText(path, 'Anna')).status).toBe(200);
  });

  it('is refused up front, naming the field, in a body, a query or a path', async () => {
    expect(await postText('/checked', 'a\u0000')).toEqual({
      status: 400,
      body: { error: { code: 'invalid_input', message: expect.any(String), fields: { text: expect.any(String) } } },
    });
    const nested = await fetch(`${base}/checked`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ config: { lines: ['ok', 'b\u0000'] } }),
    });
    expect(await nested.json()).toMatchObject({ error: { fields: { 'config.lines.1': expect.any(String) } } });
    const query = await fetch(`${base}/checked?q=%00`, { method: 'POST' });
    expect([query.status, await query.json()]).toMatchObject([400, { error: { fields: { q: expect.any(String) } } }]);
    expect((await fetch(`${base}/checked?q=%2500`, { method: 'POST' })).status).toBe(200);
  });
});
