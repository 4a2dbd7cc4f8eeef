// A real SMTP server in the test process (smtp-server + mailparser; no mocked
// transport) for the email tests: "bounce…" addresses get 550 at RCPT, and an
// address in `deferrals` gets 451 that many times before it is accepted.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeEach } from 'vitest';

export interface ReceivedMail {
  to: string[];
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/** Starts the server for this test file (closed after it); call at the top level, before useTestApp. */
export async function useTestSmtp() {
  const inbox: ReceivedMail[] = [];
  const deferrals = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('bounce')) return callback(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      const left = deferrals.get(address.address) ?? 0;
      if (left > 0) {
        deferrals.set(address.address, left - 1);
        return callback(Object.assign(new Error('4.3.0 Mailbox busy, try again later'), { responseCode: 451 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((m) => {
          inbox.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: m.subject ?? '',
            html: typeof m.html === 'string' ? m.html : '',
            text: m.text ?? '',
            headers: Object.fromEntries(m.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()])),
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => deferrals.clear());

  /** What reached `email` (of one message key, from the X-Tally-Email header). */
  const mailTo = (email: string, key?: string) =>
    inbox.filter((m) => m.to.includes(email) && (key === undefined || m.headers['x-tally-email'] === key));
  /**
   * The member's messages of `key` once `count` have arrived (at most 10 s): a row the send-emails job claimed
   * before the subscriber's own attempt goes out from the job, after the dispatcher has settled.
   */
  async function arrived(email: string, key: string, count = 1) {
    for (let waited = 0; mailTo(email, key).length < count && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    return mailTo(email, key);
  }
  const port = (server.server.address() as AddressInfo).port;
  return { inbox, deferrals, mailTo, arrived, url: `smtp://127.0.0.1:${port}` };
}
