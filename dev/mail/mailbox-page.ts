// The development mailbox: /dev/mail lists what the catcher received (newest
// first); /dev/mail/:id shows one message — its headers, its HTML (in a
// sandboxed frame) and its text part; /dev/mail/:id/html is the HTML alone;
// /dev/mail.json is the list as JSON.
import { Router } from 'express';
import { HttpError } from '../../web/http/errors.js';
import type { MailCatcher } from './catcher.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:16px;color:#1a1a1a}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}
iframe{width:100%;height:600px;border:1px solid #ccc}pre{white-space:pre-wrap;background:#f6f6f7;padding:12px}
a{color:#005bd3}</style></head><body>${body}</body></html>`;

export function mailboxRoutes(catcher: MailCatcher): Router {
  const router = Router();

  router.get('/mail.json', (_req, res) => {
    res.json({ smtp: catcher.url, messages: catcher.messages() });
  });

  router.get('/mail', (_req, res) => {
    const rows = catcher
      .messages()
      .map(
        (m) =>
          `<tr><td>${m.receivedAt.toISOString().slice(11, 19)}</td><td>${esc(m.to.join(', '))}</td>` +
          `<td><a href="/dev/mail/${m.id}">${esc(m.subject || '(no subject)')}</a></td></tr>`,
      )
      .join('');
    res
      .type('html')
      .send(
        page(
          'Mailbox',
          `<h1>Development mailbox</h1><p>Emails Tally sent to the catcher at <code>${esc(catcher.url)}</code> (set SMTP_URL to use a real server).</p>` +
            (rows
              ? `<table><thead><tr><th>Time (UTC)</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`
              : '<p>No email yet.</p>'),
        ),
      );
  });

  const find = (id: string) => {
    const message = catcher.messages().find((m) => String(m.id) === id);
    if (!message) throw new HttpError(404, 'not_found', 'No such message in the mailbox');
    return message;
  };

  router.get('/mail/:id/html', (req, res) => {
    const m = find(req.params.id);
    // The message's own markup, in a frame that runs no script (see the sandbox below and the CSP here).
    res.set('Content-Security-Policy', "script-src 'none'");
    res.type('html').send(m.html ?? '<p>(no HTML part)</p>');
  });

  router.get('/mail/:id', (req, res) => {
    const m = find(req.params.id);
    const headers = m.headers.map((h) => `<tr><th>${esc(h.key)}</th><td>${esc(h.value)}</td></tr>`).join('');
    res
      .type('html')
      .send(
        page(
          m.subject,
          `<p><a href="/dev/mail">← Mailbox</a></p><h1>${esc(m.subject)}</h1>` +
            `<h2>HTML</h2><iframe title="HTML part" sandbox src="/dev/mail/${m.id}/html"></iframe>` +
            `<h2>Text</h2><pre>${esc(m.text ?? '(no text part)')}</pre>` +
            `<h2>Headers</h2><table>${headers}</table>`,
        ),
      );
  });

  return router;
}
