// Takes store credit back in Shopify (cashback reversed by a later refund,
// see cashback.ts). Like issuing a reward, this runs outside the webhook's
// transaction, retried by the issue job: read the account's balance, debit
// what is owed but never more than is there (the customer may have spent
// it; the rest is recorded as the shortfall), and never twice.
import type pg from 'pg';
import { formatMinor, parseMoney } from './domain/money.js';
import { notes } from './domain/messages.js';
import { CUSTOMER_STORE_CREDIT, STORE_CREDIT_ACCOUNT_DEBIT } from '../shopify/operations/store-credit.js';
import { ShopifyAdminError, ShopifyThrottledError, userErrorsOf, type AdminClient } from '../shopify/admin.js';
import { NotUnderReview } from './redemptions.js';

export type DebitOutcome = 'done' | 'waiting' | 'retry' | 'failed' | 'review';

/** Attempts before a debit is given up (marked FAILED for an admin to see). */
const MAX_ATTEMPTS = 6;

interface DebitRow {
  id: string;
  shop: string;
  orderId: string;
  amountMinor: number;
  currencyCode: string;
  status: string;
  error: string | null;
  attempts: number;
  customerId: string;
  /** The cashback credit this debit takes back from: it must have reached Shopify first. */
  creditStatus: string | null;
}

interface Account {
  id: string;
  balance: { amount: string; currencyCode: string };
}

export async function debitStoreCredit(pool: pg.Pool, admin: AdminClient | null, debitId: string): Promise<DebitOutcome> {
  let attempted: number | null = null;
  const { rows } = await pool.query<DebitRow>(
    `SELECT b.id, b.shop, b."orderId", b."amountMinor", b."currencyCode", b.status, b.error, b.attempts, m."customerId",
       (SELECT d.status FROM "Redemption" d WHERE d.shop = b.shop AND d."memberId" = b."memberId" AND d."idempotencyKey" = 'cashback:' || b."orderId") AS "creditStatus"
     FROM "StoreCreditDebit" b JOIN "Member" m ON m.id = b."memberId" WHERE b.id = $1`,
    [debitId],
  );
  const debit = rows[0];
  if (!debit || debit.status !== 'PENDING') return debit?.status === 'FAILED' ? 'failed' : 'done';
  // Shopify may have taken it already: only an admin's review lets it go further.
  if (debit.error === 'needs review') return 'review';
  // The credit is still on its way to Shopify: take it back once it has arrived.
  if (debit.creditStatus === 'PENDING') return 'waiting';
  // The credit never reached the customer: there is nothing to take back.
  if (debit.creditStatus !== 'ISSUED' && debit.creditStatus !== 'USED') return finish(pool, debit.id, 0, null, notes.neverCredited);
  if (!admin) return giveUp(pool, debit, 'Tally cannot reach Shopify for this shop');
  try {
    const found = await admin.request<{ customer: { storeCreditAccounts: { nodes: Account[] } } | null }>(debit.shop, CUSTOMER_STORE_CREDIT, { id: debit.customerId });
    const account = found.data.customer?.storeCreditAccounts.nodes.find((a) => a.balance.currencyCode === debit.currencyCode);
    const balance = account ? parseMoney(account.balance.amount, debit.currencyCode) : 0;
    const amount = Math.min(debit.amountMinor, balance);
    if (!account || amount <= 0) return finish(pool, debit.id, 0, null, notes.creditSpent);
    attempted = amount;
    const res = await admin.request<{ storeCreditAccountDebit: { storeCreditAccountTransaction: { id: string } | null; userErrors: unknown[] } }>(
      debit.shop,
      STORE_CREDIT_ACCOUNT_DEBIT,
      { id: account.id, debitInput: { debitAmount: { amount: formatMinor(amount, debit.currencyCode), currencyCode: debit.currencyCode } } },
    );
    const payload = res.data.storeCreditAccountDebit;
    const errors = userErrorsOf(payload);
    // Spent between the read and the debit: read the balance again on the next run.
    if (errors.some((e) => e.code === 'INSUFFICIENT_FUNDS')) return retry(pool, debit, notes.balanceChanged);
    if (errors.length > 0) return giveUp(pool, debit, errors.map((e) => e.message).join('; '));
    const shortfall = debit.amountMinor - amount;
    return finish(pool, debit.id, amount, payload.storeCreditAccountTransaction?.id ?? null, shortfall > 0 ? notes.creditPartlySpent : null);
  } catch (error) {
    if (error instanceof ShopifyThrottledError) return 'retry';
    // A debit whose answer was lost may have happened: taking it again could take twice, so an admin decides.
    if (error instanceof ShopifyAdminError && error.mayHaveApplied) {
      // debitedMinor holds what was asked for, so an admin who finds it in Shopify can confirm it.
      await pool.query(`UPDATE "StoreCreditDebit" SET attempts = attempts + 1, error = 'needs review', "debitedMinor" = $2 WHERE id = $1`, [debit.id, attempted]);
      return 'review';
    }
    const retryable = error instanceof ShopifyAdminError ? error.retryable : true;
    if (retryable) return retry(pool, debit, (error as Error).message);
    return giveUp(pool, debit, (error as Error).message);
  }
}

async function finish(pool: pg.Pool, id: string, debitedMinor: number, shopifyId: string | null, note: string | null): Promise<DebitOutcome> {
  await pool.query(
    `UPDATE "StoreCreditDebit" SET status = 'DONE', "debitedMinor" = $2, "shopifyId" = $3, error = $4, "doneAt" = now() WHERE id = $1 AND status = 'PENDING'`,
    [id, debitedMinor, shopifyId, note],
  );
  return 'done';
}

async function retry(pool: pg.Pool, debit: DebitRow, message: string): Promise<DebitOutcome> {
  if (debit.attempts + 1 >= MAX_ATTEMPTS) return giveUp(pool, debit, message);
  await pool.query(`UPDATE "StoreCreditDebit" SET attempts = attempts + 1, error = $2 WHERE id = $1`, [debit.id, message.slice(0, 500)]);
  return 'retry';
}

async function giveUp(pool: pg.Pool, debit: DebitRow, message: string): Promise<DebitOutcome> {
  await pool.query(`UPDATE "StoreCreditDebit" SET status = 'FAILED', attempts = attempts + 1, error = $2, "doneAt" = now() WHERE id = $1 AND status = 'PENDING'`, [debit.id, message.slice(0, 500)]);
  return 'failed';
}

/** The debits still to make, oldest first (those waiting for review are left to an admin). */
export async function pendingDebits(pool: pg.Pool, limit = 100): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM "StoreCreditDebit" WHERE status = 'PENDING' AND error IS DISTINCT FROM 'needs review' ORDER BY "createdAt" LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.id);
}

/** What an admin found in Shopify about a debit whose answer was lost. */
export type DebitReviewOutcome = 'debited' | 'retry' | 'cancel';

/** Settles a debit held for review: taken in Shopify (as attempted), to try again, or not to take at all. */
export async function resolveDebitReview(pool: pg.Pool, shop: string, id: string, outcome: DebitReviewOutcome, actor: string | null): Promise<DebitOutcome> {
  const { rows } = await pool.query<{ status: string; error: string | null }>(`SELECT status, error FROM "StoreCreditDebit" WHERE id = $1 AND shop = $2`, [id, shop]);
  const debit = rows[0];
  if (!debit) throw new NotUnderReview('No such store credit debit', true);
  if (debit.status !== 'PENDING' || debit.error !== 'needs review') throw new NotUnderReview(`This debit is not waiting for a review (${debit.status.toLowerCase()})`);
  const by = actor ? ` by ${actor}` : '';
  if (outcome === 'retry') {
    await pool.query(`UPDATE "StoreCreditDebit" SET error = $2, "debitedMinor" = NULL WHERE id = $1 AND status = 'PENDING'`, [id, `retried after review${by}`]);
    return 'retry';
  }
  const taken = outcome === 'debited';
  await pool.query(
    `UPDATE "StoreCreditDebit" SET status = 'DONE', "debitedMinor" = CASE WHEN $2 THEN "debitedMinor" ELSE 0 END, error = $3, "doneAt" = now() WHERE id = $1 AND status = 'PENDING'`,
    [id, taken, taken ? `taken in Shopify (reviewed${by})` : `not taken back (cancelled${by})`],
  );
  return 'done';
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
