// Takes store credit back in Shopify (cashback reversed by a later refund,
// see cashback.ts). Like issuing a reward, it is a command to Shopify
// (web/shopify/commands.ts), first attempted after commit by the subscriber
// web/subscribers/cashback.reversed/take-back-store-credit.ts and retried by
// the issue job: read the account's balance, debit what is owed but never
// more than is there (the customer may have spent it; the rest is recorded
// as the shortfall), and never twice. Settled, it emits cashback.taken_back once.
import type pg from 'pg';
import { formatMinor, parseMoney } from './domain/money.js';
import { notes } from './domain/messages.js';
import { CUSTOMER_STORE_CREDIT, STORE_CREDIT_ACCOUNT_DEBIT } from '../shopify/operations/store-credit.js';
import { userErrorsOf, type AdminClient } from '../shopify/admin.js';
import { emit } from '../events/emit.js';
import { attempt, settleReview, type CommandKind, type CommandRow } from '../shopify/commands.js';

export type DebitOutcome = 'done' | 'waiting' | 'retry' | 'failed' | 'review';

/** Attempts before a debit is given up (marked FAILED for an admin to see). */
const MAX_ATTEMPTS = 6;

interface DebitRow extends CommandRow {
  memberId: string;
  orderId: string;
  amountMinor: number;
  currencyCode: string;
  customerId: string;
  /** The cashback credit this debit takes back from: it must have reached Shopify first. */
  creditStatus: string | null;
}

interface Account {
  id: string;
  balance: { amount: string; currencyCode: string };
}

interface Debited {
  /** What was taken; null keeps what the lost attempt asked for (an admin found it taken). */
  debitedMinor: number | null;
  shopifyId: string | null;
  note: string | null;
}

/** A store credit debit, as a command to Shopify (web/shopify/commands.ts). */
export const debitCommand: CommandKind<DebitRow, Debited> = {
  table: '"StoreCreditDebit"',
  maxAttempts: MAX_ATTEMPTS,
  triggers: [{ event: 'cashback.reversed', subscriber: 'cashback.reversed/take-back-store-credit', key: 'debitId' }],
  // A debit cannot be looked up: one whose answer was lost could be taken twice, so an admin decides.
  lostAnswer: () => 'review',

  async load(pool, id) {
    const { rows } = await pool.query<DebitRow>(
      `SELECT b.id, b.shop, b."memberId", b."orderId", b."amountMinor", b."currencyCode", b.status, b.error, b.attempts, b."createdAt", m."customerId",
         (SELECT d.status FROM "Redemption" d WHERE d.shop = b.shop AND d."memberId" = b."memberId" AND d."idempotencyKey" = 'cashback:' || b."orderId") AS "creditStatus"
       FROM "StoreCreditDebit" b JOIN "Member" m ON m.id = b."memberId" WHERE b.id = $1`,
      [id],
    );
    return rows[0];
  },

  precheck(debit, admin) {
    // The credit is still on its way to Shopify (or held for review): take it back once it has arrived.
    if (debit.creditStatus === 'PENDING' || debit.creditStatus === 'NEEDS_REVIEW') return { kind: 'wait' };
    // The credit never reached the customer: there is nothing to take back.
    if (debit.creditStatus !== 'ISSUED' && debit.creditStatus !== 'USED')
      return { kind: 'succeed', result: { debitedMinor: 0, shopifyId: null, note: notes.neverCredited } };
    if (!admin) return { kind: 'fail', reason: 'Tally cannot reach Shopify for this shop' };
    return null;
  },

  async ask(debit, admin, memo) {
    const found = await admin.request<{ customer: { storeCreditAccounts: { nodes: Account[] } } | null }>(
      debit.shop,
      CUSTOMER_STORE_CREDIT,
      { id: debit.customerId },
    );
    const account = found.data.customer?.storeCreditAccounts.nodes.find((a) => a.balance.currencyCode === debit.currencyCode);
    const balance = account ? parseMoney(account.balance.amount, debit.currencyCode) : 0;
    const amount = Math.min(debit.amountMinor, balance);
    if (!account || amount <= 0) return { kind: 'succeed', result: { debitedMinor: 0, shopifyId: null, note: notes.creditSpent } };
    memo.attempted = amount;
    const res = await admin.request<{
      storeCreditAccountDebit: { storeCreditAccountTransaction: { id: string } | null; userErrors: unknown[] };
    }>(debit.shop, STORE_CREDIT_ACCOUNT_DEBIT, {
      id: account.id,
      debitInput: { debitAmount: { amount: formatMinor(amount, debit.currencyCode), currencyCode: debit.currencyCode } },
    });
    const payload = res.data.storeCreditAccountDebit;
    const errors = userErrorsOf(payload);
    // Spent between the read and the debit: read the balance again on the next run.
    if (errors.some((e) => e.code === 'INSUFFICIENT_FUNDS')) return { kind: 'retry', reason: notes.balanceChanged };
    if (errors.length > 0) return { kind: 'fail', reason: errors.map((e) => e.message).join('; ') };
    const shortfall = debit.amountMinor - amount;
    return {
      kind: 'succeed',
      result: {
        debitedMinor: amount,
        shopifyId: payload.storeCreditAccountTransaction?.id ?? null,
        note: shortfall > 0 ? notes.creditPartlySpent : null,
      },
    };
  },

  // debitedMinor holds what was asked for, so an admin who finds it in Shopify can confirm it.
  reviewColumns: (memo) => ({ debitedMinor: (memo.attempted as number | undefined) ?? null }),

  // Settled once (the UPDATE moves it from `from` only once), with its cashback.taken_back in the same transaction.
  async succeed(sql, debit, result, from, note) {
    const [done] = await sql.$queryRaw<Array<{ debitedMinor: number | null }>>`
      UPDATE "StoreCreditDebit" SET status = 'DONE', "debitedMinor" = COALESCE(${result.debitedMinor}::bigint, "debitedMinor"),
        "shopifyId" = COALESCE(${result.shopifyId}, "shopifyId"), error = ${note ?? result.note}, "doneAt" = now()
      WHERE id = ${debit.id} AND status = ${from}::"StoreCreditDebitStatus"
      RETURNING "debitedMinor"`;
    if (!done) return false;
    const data = { orderId: debit.orderId, debitId: debit.id, amountMinor: debit.amountMinor, takenMinor: done.debitedMinor };
    await emit(sql, {
      type: 'cashback.taken_back',
      shop: debit.shop,
      memberId: debit.memberId,
      cause: `store-credit-debit:${debit.id}`,
      data,
    });
    return true;
  },

  async fail(sql, debit, reason, from) {
    const updated = await sql.$executeRaw`
      UPDATE "StoreCreditDebit" SET status = 'FAILED', error = ${reason}, "doneAt" = now() WHERE id = ${debit.id} AND status = ${from}::"StoreCreditDebitStatus"`;
    return updated === 1;
  },
};

/** One attempt at taking the store credit back. Safe to call again. */
export async function debitStoreCredit(
  pool: pg.Pool,
  admin: AdminClient | null,
  debitId: string,
  options: { firstOnly?: boolean } = {},
): Promise<DebitOutcome> {
  return attempt(pool, admin, debitCommand, debitId, options);
}

/** What an admin found in Shopify about a debit whose answer was lost. */
export type DebitReviewOutcome = 'debited' | 'retry' | 'cancel';

/** Settles a debit held for review: taken in Shopify (as attempted), to try again, or not to take at all. */
export async function resolveDebitReview(
  pool: pg.Pool,
  shop: string,
  id: string,
  outcome: DebitReviewOutcome,
  actor: string | null,
): Promise<DebitOutcome> {
  const by = actor ? ` by ${actor}` : '';
  const decision =
    outcome === 'retry'
      ? ({ outcome: 'retry', note: `retried after review${by}`, reset: { debitedMinor: null } } as const)
      : outcome === 'debited'
        ? ({
            outcome: 'done',
            result: { debitedMinor: null, shopifyId: null, note: null },
            note: `taken in Shopify (reviewed${by})`,
          } as const)
        : ({ outcome: 'done', result: { debitedMinor: 0, shopifyId: null, note: null }, note: `not taken back (cancelled${by})` } as const);
  return settleReview(pool, debitCommand, shop, id, decision, 'store credit debit');
}

/** The shop's store credit debits, newest first, for the admin. */
export async function listDebits(pool: pg.Pool, shop: string, status: string | null) {
  const { rows } = await pool.query(
    `SELECT b.id, b.status, b."orderId", b."amountMinor", b."debitedMinor", b."currencyCode", b.error, b."createdAt", b."doneAt",
            b."memberId", m.email, m."firstName", m."lastName", o.name AS "orderName"
     FROM "StoreCreditDebit" b JOIN "Member" m ON m.id = b."memberId"
     LEFT JOIN "Order" o ON o.shop = b.shop AND o."orderId" = b."orderId"
     WHERE b.shop = $1 AND ($2::text IS NULL OR b.status = $2::"StoreCreditDebitStatus")
     ORDER BY b."createdAt" DESC LIMIT 200`,
    [shop, status],
  );
  return rows;
}
