// Development's mail catcher: a real SMTP server (smtp-server) on a free
// loopback port that keeps what Tally sends, parsed (mailparser), for the
// mailbox page at /dev/mail. Started by `npm run dev` when SMTP_URL is unset.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMessage {
  id: number;
  receivedAt: Date;
  from: string;
  to: string[];
  subject: string;
  html: string | null;
  text: string | null;
  headers: Array<{ key: string; value: string }>;
}

export interface MailCatcher {
  url: string;
  messages(): CaughtMessage[];
  clear(): void;
  close(): Promise<void>;
}

const KEEP = 200;

export async function startMailCatcher(options: { port?: number } = {}): Promise<MailCatcher> {
  const caught: CaughtMessage[] = [];
  let next = 1;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 5 * 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          caught.unshift({
            id: next++,
            receivedAt: new Date(),
            from: parsed.from?.text ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
            text: parsed.text ?? null,
            headers: parsed.headerLines.map((h) => ({ key: h.key, value: h.line.slice(h.line.indexOf(':') + 1).trim() })),
          });
          caught.length = Math.min(caught.length, KEEP);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages: () => caught,
    clear: () => void caught.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
