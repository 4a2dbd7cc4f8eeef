// Handing recorded emails to SMTP. Each row moves
//   queued → sending (claimed: attempts + 1, notBefore = now + lease) → sent | queued (retry) | bounced | failed
// with every transition an UPDATE … WHERE status = <the state it leaves>, so two workers never send one row.
//
// Delivery guarantees, and the window that remains:
//  - The row exists before SMTP is asked (web/email/sends.ts): a redelivered event, a second worker or a retry of
//    the subscriber finds it and does not send again.
//  - A row is claimed before it is handed over. A worker that dies while a row is `sending` leaves it there; once its
//    lease runs out, reconcile() marks it `failed` ("outcome unknown"), never sends it again: the SMTP server may
//    already have accepted it. That is at most once for crashes — a crash between the claim and the SMTP
//    conversation loses that one message (visible as failed in the log), it never doubles it.
//  - An SMTP reply decides the rest: 250 → sent (with the server's Message-ID), 4xx → queued again with backoff,
//    5xx → bounced (the member's address is marked undeliverable).
//  - The remaining at-least-once window: the connection breaks or times out AFTER the server received the whole
//    message but BEFORE Tally read its "250 OK" (a server answering late). Tally cannot tell that from a failure
//    before the message arrived, so it retries, and the recipient may get it twice. Every attempt of a row carries
//    the same Message-ID (<row id@tally>), so receivers that de-duplicate by Message-ID drop the second.
import type pg from 'pg';
import { pgSql, transaction, type Sql } from '../db/sql.js';
import type { Logger } from '../logger.js';
import { clickUrl } from './clicks.js';
import { unsubscribeUrl } from './links.js';
import { emailMessage, type EmailCategory, type EmailLocale } from './messages/index.js';
import { renderEmail, TemplateError } from './render.js';
import { suppressedNow, suppression } from './sends.js';
import { parseEmailSettings, templateFor } from './settings.js';
import { smtpOutcome, type Mailer } from './transport.js';

/** What sending needs: the SMTP transport and how to sign and address links. */
export interface MailSetup {
  mailer: Mailer;
  /** The app secret: unsubscribe links are signed with a key derived from it. */
  secret: string;
  /** The app's URL (development's links point at it). */
  appUrl: string;
  /** Links go through the shop's app proxy (https://<shop>/apps/tally/…); false in development. */
  viaShop: boolean;
  /** The app's API key: links for the merchant open the embedded admin (https://<shop>/admin/apps/<apiKey>/…). */
  apiKey?: string;
}

export interface SenderDeps {
  pool: pg.Pool;
  mail: MailSetup;
  logger: Logger;
}

/** Attempts before a temporary failure becomes `failed`. */
export const MAX_ATTEMPTS = 6;
/** How long a claimed row is its worker's; longer than nodemailer's connection, greeting and socket timeouts together. */
export const LEASE_MS = 5 * 60_000;

/** The wait before attempt `attempts + 1` after a temporary failure: 1, 2, 4, 8, 16 minutes … at most 2 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 2 * 3_600_000);
}

interface Claimed {
  id: string;
  shop: string;
  memberId: string;
  key: string;
  cause: string;
  category: EmailCategory;
  to: string;
  locale: EmailLocale;
  attempts: number;
  data: Record<string, unknown>;
}

export type DeliveryOutcome = 'sent' | 'retry' | 'bounced' | 'failed' | 'suppressed' | 'not-due';

/** Sends one queued row if it is due (and nobody else has it). */
export async function deliverEmail(deps: SenderDeps, id: string, now = new Date()): Promise<DeliveryOutcome> {
  const sql = pgSql(deps.pool);
  const [row] = await sql.$queryRaw<Claimed[]>`
    UPDATE "EmailSend" SET status = 'sending', attempts = attempts + 1, "notBefore" = ${new Date(now.getTime() + LEASE_MS)}
    WHERE id = ${id} AND status = 'queued' AND "notBefore" <= ${now}
    RETURNING id, shop, "memberId", key, cause, category, "to", locale, attempts, data`;
  if (!row) return 'not-due';
  return deliverClaimed(deps, row, now);
}

/** Lookups shared by the rows of one batch (the shop's layout facts and templates), so each is read once. */
type Memo = Map<string, Promise<unknown>>;
function memoized<T>(memo: Memo | undefined, key: string, read: () => Promise<T>): Promise<T> {
  if (!memo) return read();
  let hit = memo.get(key) as Promise<T> | undefined;
  if (!hit) memo.set(key, (hit = read()));
  return hit;
}

/** Hands a row this worker claimed (status `sending`) to SMTP and records the outcome. */
async function deliverClaimed(
  deps: SenderDeps,
  row: Claimed,
  now: Date,
  memo?: Memo,
  /** Why the member may not get it, asked for the whole batch at its claim (undefined: ask now). */
  suppressed?: string | null,
): Promise<DeliveryOutcome> {
  const sql = pgSql(deps.pool);
  const log = deps.logger.child({ email: row.id, key: row.key, shop: row.shop });

  // A row that waited (window, cap, retry) goes only if the member still may get it.
  const reason = suppressed !== undefined ? suppressed : await suppressedNow(sql, row.shop, row.memberId, row.category);
  if (reason) {
    await sql.$executeRaw`
      UPDATE "EmailSend" SET status = 'suppressed', reason = ${reason}, "to" = '', data = '{}'::jsonb WHERE id = ${row.id} AND status = 'sending'`;
    return 'suppressed';
  }

  let message;
  try {
    message = await compose(deps, row, memo);
  } catch (error) {
    // A template error fails this message only; the next one renders on its own.
    const reason = error instanceof TemplateError ? error.message : `could not render: ${(error as Error).message}`;
    log.warn({ err: error }, 'email not rendered');
    await settle(sql, row.id, { status: 'failed', reason });
    return 'failed';
  }

  try {
    const { messageId } = await deps.mail.mailer.send(message);
    await sql.$executeRaw`
      UPDATE "EmailSend" SET status = 'sent', "messageId" = ${messageId}, "sentAt" = ${now}, reason = NULL
      WHERE id = ${row.id} AND status = 'sending'`;
    return 'sent';
  } catch (error) {
    const outcome = smtpOutcome(error);
    if (outcome.kind === 'bounced') {
      log.info({ reason: outcome.reason }, 'email bounced: address marked undeliverable');
      await transaction(deps.pool, async (tx) => {
        await settle(tx, row.id, { status: 'bounced', reason: outcome.reason });
        await tx.$executeRaw`
          UPDATE "Member" SET "emailUndeliverableAt" = ${new Date()}, "updatedAt" = now()
          WHERE id = ${row.memberId} AND shop = ${row.shop} AND "emailUndeliverableAt" IS NULL`;
      });
      return 'bounced';
    }
    if (row.attempts >= MAX_ATTEMPTS) {
      await settle(sql, row.id, { status: 'failed', reason: `gave up after ${row.attempts} attempts: ${outcome.reason}` });
      return 'failed';
    }
    log.info({ reason: outcome.reason, attempts: row.attempts }, 'email deferred: will retry');
    await sql.$executeRaw`
      UPDATE "EmailSend" SET status = 'queued', reason = ${outcome.reason}, "notBefore" = ${new Date(Date.now() + retryDelayMs(row.attempts))}
      WHERE id = ${row.id} AND status = 'sending'`;
    return 'retry';
  }
}

async function settle(sql: Sql, id: string, to: { status: 'failed' | 'bounced'; reason: string }) {
  await sql.$executeRaw`UPDATE "EmailSend" SET status = ${to.status}, reason = ${to.reason} WHERE id = ${id} AND status = 'sending'`;
}

async function compose(deps: SenderDeps, row: Claimed, memo?: Memo) {
  const sql = pgSql(deps.pool);
  const definition = emailMessage(row.key);
  if (!definition) throw new Error(`unknown email ${row.key}`);
  const [shop] = await memoized(
    memo,
    `shop:${row.shop}`,
    () => sql.$queryRaw<Array<{ name: string | null; widget: unknown; emailSettings: unknown }>>`
    SELECT s.name, p.widget, p."emailSettings" FROM "Shop" s LEFT JOIN "Program" p ON p.shop = s.domain WHERE s.domain = ${row.shop}`,
  );
  const settings = parseEmailSettings(shop?.emailSettings);
  const template = await memoized(memo, `template:${row.shop}:${row.key}:${row.locale}`, () =>
    templateFor(sql, row.shop, row.key, row.locale),
  );
  const link = unsubscribeUrl(
    { shop: row.shop, memberId: row.memberId, category: row.category },
    { secret: deps.mail.secret, appUrl: deps.mail.appUrl, viaShop: deps.mail.viaShop },
  );
  const data = definition.refresh ? { ...row.data, ...(await definition.refresh(sql, row)) } : row.data;
  const rendered = await renderEmail(template, data, {
    shopName: shop?.name ?? row.shop,
    locale: row.locale,
    category: row.category,
    colors: widgetColors(shop?.widget),
    unsubscribeUrl: link,
    postalAddress: settings.postalAddress,
    trackLink: (url) => clickUrl({ shop: row.shop, sendId: row.id, url }, deps.mail),
  });
  return {
    from: senderWithName(deps.mail.mailer.from, settings.senderName ?? shop?.name ?? null),
    to: row.to,
    replyTo: settings.replyTo,
    ...rendered,
    messageId: `<${row.id}@tally>`,
    headers: {
      'List-Unsubscribe': `<${link}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Tally-Email': row.key,
    },
  };
}

const HEX = /^#[0-9a-f]{3}([0-9a-f]{3})?$/i;

/** The widget's launcher colours (web/loyalty/domain/widget.ts), checked again: they go into the layout's markup. */
export function widgetColors(widget: unknown): { accent: string; text: string } {
  const colors = (widget as { colors?: { accent?: unknown; text?: unknown } } | null)?.colors;
  const accent = typeof colors?.accent === 'string' && HEX.test(colors.accent) ? colors.accent : '#1a1a1a';
  const text = typeof colors?.text === 'string' && HEX.test(colors.text) ? colors.text : '#ffffff';
  return { accent, text };
}

/** MAIL_FROM with the shop's name as the display name: "Shop <loyalty@example.com>". */
export function senderWithName(from: string, name: string | null): string {
  if (!name) return from;
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
  return `"${name.replace(/["\\\r\n]/g, '')}" <${address}>`;
}

/**
 * Rows a dead worker left in `sending` past their lease: marked failed, not sent again (see the top of this file).
 * Run by the send job, so after a restart the first run settles what the last process left.
 */
export async function reconcileStuck(pool: pg.Pool, now = new Date()): Promise<number> {
  return pgSql(pool).$executeRaw`
    UPDATE "EmailSend" SET status = 'failed', reason = 'outcome unknown: the worker stopped while handing it to SMTP; not sent again'
    WHERE status = 'sending' AND "notBefore" <= ${now}`;
}

/** Rows claimed per statement, and rows handed to SMTP at once (the transport's pool has maxConnections). */
export const SEND_BATCH = 200;
export const SEND_CONCURRENCY = 10;

/**
 * Claims up to `limit` due rows in one statement (oldest first; rows another worker holds are skipped, not waited
 * for): each is `sending` with a lease, as deliverEmail's single-row claim leaves it.
 */
async function claimDue(pool: pg.Pool, now: Date, limit: number): Promise<Claimed[]> {
  return pgSql(pool).$queryRaw<Claimed[]>`
    UPDATE "EmailSend" SET status = 'sending', attempts = attempts + 1, "notBefore" = ${new Date(now.getTime() + LEASE_MS)}
    WHERE id IN (SELECT id FROM "EmailSend" WHERE status = 'queued' AND "notBefore" <= ${now}
                 ORDER BY "notBefore" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      AND status = 'queued'
    RETURNING id, shop, "memberId", key, cause, category, "to", locale, attempts, data`;
}

/** suppressedNow() for every claimed row in one statement: row id → why not (null: it may go). */
async function suppressedBatch(pool: pg.Pool, rows: Claimed[]): Promise<Map<string, string | null>> {
  if (rows.length === 0) return new Map();
  const found = await pgSql(pool).$queryRaw<Array<Parameters<typeof suppression>[0] & { rowId: string; category: EmailCategory }>>`
    SELECT c.row_id AS "rowId", c.category, m.email, m."firstName", m."lastName", m.locale, m."redactedAt", m."emailUndeliverableAt",
           m."emailMarketingState", m."pointsAvailable", m."pointsPending", NULL AS "tierName",
           EXISTS (SELECT 1 FROM "EmailUnsubscribe" u
                   WHERE u.shop = m.shop AND u."memberId" = m.id AND u.category = c.category) AS unsubscribed
    FROM unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.shop)}::text[], ${rows.map((r) => r.memberId)}::text[],
                ${rows.map((r) => r.category)}::text[]) AS c(row_id, shop, member_id, category)
    JOIN "Member" m ON m.id = c.member_id AND m.shop = c.shop`;
  // A row whose member is gone is absent here: the caller reads that as 'member deleted', as suppressedNow says.
  return new Map(found.map((f) => [f.rowId, suppression(f, f.category)]));
}

/**
 * The send job: settles stuck rows, then sends what is due (oldest first), a batch of `limit` rows at a time with
 * `concurrency` of them on their way to SMTP at once, until nothing is due or `budgetMs` is spent (the next run goes
 * on). A full batch is followed by another, so a monthly statement's 100,000 queued rows drain in one run.
 */
export async function sendDueEmails(
  deps: SenderDeps,
  options: { now?: Date; limit?: number; concurrency?: number; budgetMs?: number } = {},
) {
  const now = options.now ?? new Date();
  const limit = options.limit ?? SEND_BATCH;
  const concurrency = Math.max(1, options.concurrency ?? SEND_CONCURRENCY);
  const deadline = Date.now() + (options.budgetMs ?? 50_000);
  const reconciled = await reconcileStuck(deps.pool, now);
  const outcomes: Record<DeliveryOutcome, number> = { sent: 0, retry: 0, bounced: 0, failed: 0, suppressed: 0, 'not-due': 0 };
  let failure: unknown = null;
  for (;;) {
    const due = await claimDue(deps.pool, now, limit);
    const reasons = await suppressedBatch(deps.pool, due);
    const memo: Memo = new Map();
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const row = due[next++]!;
        try {
          const reason = reasons.has(row.id) ? reasons.get(row.id)! : 'member deleted';
          outcomes[await deliverClaimed(deps, row, now, memo, reason)] += 1;
        } catch (error) {
          // A database error around the SMTP conversation: the row stays `sending`, and once its lease runs out
          // reconcileStuck() marks it failed (it may have gone). The other rows carry on; the job fails and retries.
          deps.logger.error({ err: error, email: row.id }, 'email delivery failed');
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
    if (failure) throw failure;
    if (due.length < limit || Date.now() >= deadline) break;
  }
  return { reconciled, ...outcomes };
}
