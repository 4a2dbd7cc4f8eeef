// Takes store credit back in Shopify (cashback reversed by a later refund,
// see cashback.ts). Like issuing a reward, this runs outside the webhook's
// transaction, retried by the issue job: read the account's balance, debit
// what is owed but never more than is there (the customer may have spent
// it; the rest is recorded as the shortfall), and never twice.
import type pg from 'pg';
import { formatMinor, parseMoney } from './domain/money.js';
import { CUSTOMER_STORE_CREDIT, STORE_CREDIT_ACCOUNT_DEBIT } from '../shopify/operations/store-credit.js';
import { ShopifyAdminError, ShopifyThrottledError, userErrorsOf, type AdminClient } from '../shopify/admin.js';

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
  const { rows } = await pool.query<DebitRow>(
    `SELECT b.id, b.shop, b."orderId", b."amountMinor", b."currencyCode", b.status, b.attempts, m."customerId",
       (SELECT d.status FROM "Redemption" d WHERE d.shop = b.shop AND d."memberId" = b."memberId" AND d."idempotencyKey" = 'cashback:' || b."orderId") AS "creditStatus"
     FROM "StoreCreditDebit" b JOIN "Member" m ON m.id = b."memberId" WHERE b.id = $1`,
    [debitId],
  );
  const debit = rows[0];
  if (!debit || debit.status !== 'PENDING') return debit?.status === 'FAILED' ? 'failed' : 'done';
  // The credit is still on its way to Shopify: take it back once it has arrived.
  if (debit.creditStatus === 'PENDING') return 'waiting';
  // The credit never reached the customer: there is nothing to take back.
  if (debit.creditStatus !== 'ISSUED' && debit.creditStatus !== 'USED') return finish(pool, debit.id, 0, null, 'the cashback was never credited');
  if (!admin) return giveUp(pool, debit, 'Tally cannot reach Shopify for this shop');
  try {
    const found = await admin.request<{ customer: { storeCreditAccounts: { nodes: Account[] } } | null }>(debit.shop, CUSTOMER_STORE_CREDIT, { id: debit.customerId });
    const account = found.data.customer?.storeCreditAccounts.nodes.find((a) => a.balance.currencyCode === debit.currencyCode);
    const balance = account ? parseMoney(account.balance.amount, debit.currencyCode) : 0;
    const amount = Math.min(debit.amountMinor, balance);
    if (!account || amount <= 0) return finish(pool, debit.id, 0, null, 'the customer had already spent the credit');
    const res = await admin.request<{ storeCreditAccountDebit: { storeCreditAccountTransaction: { id: string } | null; userErrors: unknown[] } }>(
      debit.shop,
      STORE_CREDIT_ACCOUNT_DEBIT,
      { id: account.id, debitInput: { debitAmount: { amount: formatMinor(amount, debit.currencyCode), currencyCode: debit.currencyCode } } },
    );
    const payload = res.data.storeCreditAccountDebit;
    const errors = userErrorsOf(payload);
    // Spent between the read and the debit: read the balance again on the next run.
    if (errors.some((e) => e.code === 'INSUFFICIENT_FUNDS')) return retry(pool, debit, 'the balance changed; trying again');
    if (errors.length > 0) return giveUp(pool, debit, errors.map((e) => e.message).join('; '));
    const shortfall = debit.amountMinor - amount;
    return finish(pool, debit.id, amount, payload.storeCreditAccountTransaction?.id ?? null, shortfall > 0 ? 'the customer had already spent part of the credit' : null);
  } catch (error) {
    if (error instanceof ShopifyThrottledError) return 'retry';
    // A debit whose answer was lost may have happened: taking it again could take twice, so an admin decides.
    if (error instanceof ShopifyAdminError && error.mayHaveApplied) {
      await pool.query(`UPDATE "StoreCreditDebit" SET attempts = attempts + 1, error = 'needs review' WHERE id = $1`, [debit.id]);
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
