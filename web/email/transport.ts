// The one way out for shopper emails: nodemailer over SMTP to SMTP_URL (or, in
// development, the embedded catcher's address). An SMTP answer is sorted into
// what the sender does next: 4xx and lost connections are retried with
// backoff, 5xx is a hard bounce (the address is marked undeliverable).
import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  /** The Message-ID (every attempt of one recorded email uses the same). */
  messageId: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export interface Mailer {
  /** Hands the message to the SMTP server; resolves with its Message-ID once the server accepted it. */
  send(message: OutgoingEmail): Promise<{ messageId: string }>;
  /** The default sender (MAIL_FROM). */
  from: string;
  close(): void;
}

/** What an SMTP failure means for the message: try again later, or never (the address bounced). */
export type SmtpOutcome = { kind: 'retry'; reason: string } | { kind: 'bounced'; reason: string };

export interface PoolOptions {
  /** SMTP connections kept open at once (default 5). */
  maxConnections?: number;
  /** Messages sent over one connection before it is closed and a fresh one opened (default 100). */
  maxMessages?: number;
}

export function createMailer(options: { smtpUrl: string; from: string } & PoolOptions): Mailer {
  const transport: Transporter = nodemailer.createTransport({
    url: options.smtpUrl,
    // A pool of kept-open connections: a monthly statement to 100,000 members cannot afford a TCP and SMTP handshake
    // per message. nodemailer drops a connection that failed (a lost socket, a timeout) and opens another, so a broken
    // session is not reused; a 4xx/5xx reply to one recipient leaves the connection usable (RSET).
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: options.maxMessages ?? 100,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    from: options.from,
    async send(message) {
      const info = (await transport.sendMail({
        from: message.from,
        to: message.to,
        replyTo: message.replyTo,
        subject: message.subject,
        messageId: message.messageId,
        html: message.html,
        text: message.text,
        headers: message.headers,
      })) as { messageId: string };
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}

/**
 * Sorts an SMTP error: a 5xx reply to the recipient or the message is permanent (a hard bounce); a 4xx reply, a
 * refused or dropped connection or a timeout is temporary.
 */
export function smtpOutcome(error: unknown): SmtpOutcome {
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const said = e.response ?? e.message ?? String(error);
  if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600)
    return { kind: 'bounced', reason: `SMTP ${e.responseCode}: ${said}`.slice(0, 500) };
  if (typeof e.responseCode === 'number') return { kind: 'retry', reason: `SMTP ${e.responseCode}: ${said}`.slice(0, 500) };
  return { kind: 'retry', reason: `${e.code ?? 'error'}: ${said}`.slice(0, 500) };
}
