// Development's mailbox: with no SMTP_URL, `npm run dev` (NODE_ENV=development,
// development tools on) starts an SMTP catcher and shows what Tally sent at
// /dev/mail — each message's HTML, text and headers.
import { describe, expect, it } from 'vitest';
import { customerPayload } from '../../dev/payloads.js';
import { loadConfig } from '../../web/config.js';
import { useTestApp } from '../helpers/app.js';
import { newCustomer } from '../helpers/orders.js';
import { delivery, send } from '../helpers/webhooks.js';

const app = useTestApp({ env: { NODE_ENV: 'development' } });

describe('the development mailbox', () => {
  it('catches the emails Tally sends and lists them with their HTML, text and headers', async () => {
    expect(app.mailCatcher?.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    const c = newCustomer('mailbox');
    const [res] = await send(app.url, delivery('customers/create', customerPayload(c)));
    expect(res!.status).toBe(200);
    await app.jobs.events!.settle();

    const list = await fetch(`${app.url}/dev/mail`);
    expect(list.status).toBe(200);
    const listed = await list.text();
    expect(listed).toContain(c.email);
    expect(listed).toContain('Welcome to Tally Demo Store rewards');

    const json = (await (await fetch(`${app.url}/dev/mail.json`)).json()) as { messages: Array<{ id: number; to: string[] }> };
    const caught = json.messages.find((m) => m.to.includes(c.email))!;
    const page = await (await fetch(`${app.url}/dev/mail/${caught.id}`)).text();
    expect(page).toMatch(/<th>list-unsubscribe<\/th><td>&lt;http:\/\/127\.0\.0\.1:\d+\/proxy\/email\/unsubscribe\?/);
    expect(page).toContain('<th>list-unsubscribe-post</th><td>List-Unsubscribe=One-Click</td>');
    expect(page).toContain('Welcome to our rewards program!');
    const html = await fetch(`${app.url}/dev/mail/${caught.id}/html`);
    expect(html.headers.get('content-security-policy')).toBe("script-src 'none'");
    expect(await html.text()).toContain('Welcome to our rewards program!');
  });

  it('is started only in development with no SMTP_URL', () => {
    const base = { PORT: '0', DATABASE_URL: 'postgres://x@127.0.0.1/x' };
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).mail.catcher).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'development', SMTP_URL: 'smtp://127.0.0.1:2525' }).mail).toMatchObject({
      catcher: false,
      smtpUrl: 'smtp://127.0.0.1:2525',
    });
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).mail.catcher).toBe(false);
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL: an smtp:\/\/ or smtps:\/\/ URL/);
  });
});
