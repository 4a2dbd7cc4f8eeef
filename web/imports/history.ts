// The history import (issue 16): the shop's past orders since a day, read
// through a Shopify bulk operation and recorded as the same Order (and Refund)
// rows webhooks write, so analytics count them. The JSONL result is streamed
// line by line (never held whole); orders are written a batch per transaction,
// set-based, with the import's progress and the line reached (its cursor) in
// the same transaction, so a retried job resumes after the last batch.
// Idempotent with webhooks: an order already recorded is left as it is (ON
// CONFLICT DO NOTHING on the order's GID), and a webhook arriving later updates
// the imported row like any other. No points in this slice: retroactive points
// (awardPointsSince, preview) come next.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import pg from 'pg';
import { transaction, type Sql } from '../db/sql.js';
import type { PrismaClient } from '../db.js';
import { InvalidOrderError, orderFacts, type OrderFacts } from '../loyalty/domain/order-facts.js';
import { parseMoney } from '../loyalty/domain/money.js';
import { customerKeyOf, isPaidStatus, netSalesMinor } from '../loyalty/order-points.js';
import type { LoyaltyDeps } from '../loyalty/services.js';
import { assertNoUserErrors, type AdminClient } from '../shopify/admin.js';
import { BULK_OPERATION_STATUS, BULK_RUN_QUERY, historyOrdersQuery } from '../shopify/operations/bulk.js';
import { ImportRefused } from './read.js';
import { MAX_ERRORS } from './members.js';

/** Orders per transaction. */
export const HISTORY_BATCH = 500;
export const POINTS_LATER = 'Past orders earn no points in this import: retroactive points are a later step.';

export interface HistoryOptions {
  since: string;
  awardPointsSince: string | null;
  preview: boolean;
}

export interface HistoryCursor {
  operationId?: string;
  /** JSONL lines already recorded (the last batch's last line). */
  line?: number;
  /** When bulk_operations/finish said the operation ended: the wait stops polling. */
  finishedAt?: string;
}

export interface HistoryQueue {
  enqueue(name: 'history-import', data: { importId: string }): Promise<string | null>;
}

/** Records a queued history import and enqueues its job. */
export async function startHistoryImport(
  deps: Pick<LoyaltyDeps, 'prisma'> & { jobs: HistoryQueue },
  shop: string,
  options: HistoryOptions,
) {
  if (options.awardPointsSince !== null || options.preview)
    throw new ImportRefused(422, 'not_available', 'Retroactive points are not available yet: send awardPointsSince null, preview false');
  const running = await deps.prisma.import.findFirst({ where: { shop, kind: 'history', status: { in: ['queued', 'running'] } } });
  if (running) throw new ImportRefused(409, 'import_running', 'A history import is already under way');
  const created = await deps.prisma.import.create({ data: { shop, kind: 'history', status: 'queued', options: options as object } });
  await deps.jobs.enqueue('history-import', { importId: created.id });
  return { id: created.id, kind: created.kind, status: created.status, progress: { done: 0, total: 0 }, errors: [] };
}

/** bulk_operations/finish: the import waiting for that operation stops polling and reads the file. */
export async function bulkOperationFinished(sql: Sql, shop: string, operationId: string, at: Date): Promise<number> {
  return sql.$executeRaw`
    UPDATE "Import" SET cursor = cursor || ${JSON.stringify({ finishedAt: at.toISOString() })}::jsonb
    WHERE shop = ${shop} AND kind = 'history' AND status IN ('queued', 'running') AND cursor->>'operationId' = ${operationId}`;
}

// ---- the job ----

type Db = pg.Pool | PrismaClient;
const inTransaction = <T>(db: Db, work: (sql: Sql) => Promise<T>) =>
  db instanceof pg.Pool ? transaction(db, work) : transaction(db, work, { timeout: 120_000 });

interface ImportRow {
  shop: string;
  status: string;
  options: HistoryOptions;
  cursor: HistoryCursor;
  result: Record<string, unknown>;
}

const load = async (db: Db, id: string) =>
  (
    await inTransaction(
      db,
      (sql) => sql.$queryRaw<ImportRow[]>`SELECT shop, status, options, cursor, result FROM "Import" WHERE id = ${id}`,
    )
  )[0] ?? null;

const update = (db: Db, id: string, set: { status?: string; cursor?: HistoryCursor; result?: object; total?: number }) =>
  inTransaction(
    db,
    (sql) => sql.$executeRaw`
    UPDATE "Import" SET status = COALESCE(${set.status ?? null}, status),
      "startedAt" = CASE WHEN ${set.status ?? null} = 'running' THEN COALESCE("startedAt", now()) ELSE "startedAt" END,
      "finishedAt" = CASE WHEN ${set.status ?? null} IN ('done', 'failed') THEN now() ELSE "finishedAt" END,
      cursor = cursor || ${JSON.stringify(set.cursor ?? {})}::jsonb, result = result || ${JSON.stringify(set.result ?? {})}::jsonb,
      total = COALESCE(${set.total ?? null}::int, total)
    WHERE id = ${id}`,
  );

export class BulkOperationFailed extends Error {}
/** The operation outlived this run's wait: the job is retried (a shop with years of orders takes hours). */
export class StillRunning extends Error {}

interface BulkStatus {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  url: string | null;
}

export interface HistoryRunOptions {
  /** How often Shopify is asked when no webhook came (ms); the Import row is looked at every `wakeMs`. */
  pollMs?: number;
  wakeMs?: number;
  /** Stops waiting after this long, within the job queue's expiry (15 min); the job's retry waits again. */
  waitMs?: number;
}

async function waitForOperation(db: Db, admin: AdminClient, importId: string, shop: string, opId: string, o: HistoryRunOptions) {
  const pollMs = o.pollMs ?? 30_000;
  const wakeMs = o.wakeMs ?? 1_000;
  const until = Date.now() + (o.waitMs ?? 10 * 60_000);
  let asked = 0;
  for (;;) {
    const row = await load(db, importId);
    if (row?.cursor.finishedAt || Date.now() - asked >= pollMs) {
      asked = Date.now();
      const res = await admin.request<{ bulkOperation: BulkStatus | null }>(shop, BULK_OPERATION_STATUS, { id: opId });
      const op = res.data.bulkOperation;
      if (!op) throw new BulkOperationFailed(`Shopify no longer knows the bulk operation ${opId}`);
      if (op.status === 'COMPLETED') return op;
      if (['FAILED', 'CANCELED', 'EXPIRED'].includes(op.status))
        throw new BulkOperationFailed(
          `Shopify's bulk operation ${op.status.toLowerCase()}${op.errorCode ? ` (${op.errorCode})` : ''}: no orders were read`,
        );
    }
    if (Date.now() > until) throw new StillRunning(`Shopify's bulk operation ${opId} is still running`);
    await new Promise((r) => setTimeout(r, wakeMs));
  }
}

/** Runs (or resumes) a history import to its end: done, or failed with the reason in result.failure. */
export async function runHistoryImport(db: Db, admin: AdminClient, importId: string, o: HistoryRunOptions = {}): Promise<void> {
  const found = await load(db, importId);
  // A run that stopped on an error worth retrying (the network, a slow operation) goes on from its cursor.
  const retryable = found?.status === 'failed' && found.result.retryable === true;
  if (!found || !(['queued', 'running'].includes(found.status) || retryable)) return;
  const { shop } = found;
  await update(db, importId, { status: 'running' });
  try {
    let opId = found.cursor.operationId;
    if (!opId) {
      const res = await admin.request<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null } }>(shop, BULK_RUN_QUERY, {
        query: historyOrdersQuery(found.options.since),
      });
      const started = assertNoUserErrors(res.data.bulkOperationRunQuery, 'bulkOperationRunQuery');
      opId = started.bulkOperation!.id;
      await update(db, importId, { cursor: { operationId: opId } });
    }
    const op = await waitForOperation(db, admin, importId, shop, opId, o);
    await update(db, importId, { total: Number(op.rootObjectCount) });
    const totals = await readFile(db, importId, shop, op.url, found.cursor.line ?? 0, found.result);
    await update(db, importId, { status: 'done', result: { ...totals, points: POINTS_LATER, failure: null, waiting: null } });
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    if (err instanceof StillRunning) {
      // Not a failure: the job's retry waits again for the same operation.
      await update(db, importId, { result: { waiting: message } });
      throw err;
    }
    const retryable = !(err instanceof BulkOperationFailed);
    await update(db, importId, { status: 'failed', result: { failure: message, retryable } });
    if (retryable) throw err;
  }
}

// ---- the file ----

/** An order of the file with its children (line items, refund lines) gathered under it. */
type Gathered = Record<string, unknown> & { id: string; lineItems: object[]; refunds: Array<{ id: string; refundLineItems: object[] }> };

interface Totals {
  orders: number;
  recorded: number;
  alreadyRecorded: number;
  invalid: number;
}

async function readFile(db: Db, importId: string, shop: string, url: string | null, from: number, before: Record<string, unknown>) {
  const totals: Totals = { orders: 0, recorded: 0, alreadyRecorded: 0, invalid: 0 };
  for (const k of Object.keys(totals) as Array<keyof Totals>) if (typeof before[k] === 'number') totals[k] = before[k] as number;
  if (!url) return totals; // no orders since that day: Shopify gives no file
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`The bulk operation's file answered ${res.status}`);
  const lines = createInterface({ input: Readable.fromWeb(res.body as never), crlfDelay: Infinity });
  let number = 0;
  let current: Gathered | null = null;
  let batch: Array<{ order: Gathered; line: number }> = [];
  let lastLine = from;
  const flush = async (through: number) => {
    const orders = batch;
    batch = [];
    await inTransaction(db, async (sql) => {
      const r = await recordOrders(sql, shop, orders);
      for (const k of Object.keys(totals) as Array<keyof Totals>) totals[k] += r[k];
      await sql.$executeRaw`
        UPDATE "Import" SET done = done + ${orders.length}, cursor = cursor || ${JSON.stringify({ line: through })}::jsonb,
          result = result || ${JSON.stringify(totals)}::jsonb,
          errors = CASE WHEN jsonb_array_length(errors) < ${MAX_ERRORS} THEN errors || ${JSON.stringify(r.errors)}::jsonb ELSE errors END
        WHERE id = ${importId}`;
    });
  };
  for await (const text of lines) {
    number += 1;
    if (number <= from || !text.trim()) continue;
    const obj = JSON.parse(text) as Record<string, unknown> & { id?: string; __parentId?: string };
    if (!obj.__parentId) {
      if (current) batch.push({ order: current, line: lastLine });
      if (batch.length >= HISTORY_BATCH) await flush(batch.at(-1)!.line);
      current = {
        ...obj,
        lineItems: [],
        refunds: ((obj.refunds as Gathered['refunds']) ?? []).map((r) => ({ ...r, refundLineItems: [] })),
      } as Gathered;
    } else if (current) {
      const { __parentId, ...child } = obj;
      if (__parentId === current.id) current.lineItems.push(child);
      else current.refunds.find((r) => r.id === __parentId)?.refundLineItems.push(child);
    }
    lastLine = number;
  }
  if (current) batch.push({ order: current, line: lastLine });
  if (batch.length) await flush(lastLine);
  return totals;
}

// ---- GraphQL order → the webhook's order facts ----

type Money = { shopMoney: { amount: string; currencyCode: string } };
const set = (m: Money | null | undefined) =>
  m ? { shop_money: { amount: m.shopMoney.amount, currency_code: m.shopMoney.currencyCode } } : null;
const numeric = (gid: string | null | undefined) => gid?.split('/').pop() ?? null;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the file's objects as Shopify wrote them; orderFacts checks what it reads
type Loose = Record<string, any>;

/** The order as a webhook carries it, so the one normaliser (web/loyalty/domain/order-facts.ts) reads both. */
export function webhookShape(o: Gathered) {
  const g = o as Loose;
  const customer = g.customer as { id: string; defaultEmailAddress: { emailAddress: string } | null } | null;
  return {
    admin_graphql_api_id: g.id,
    name: g.name,
    currency: g.currencyCode,
    email: g.email,
    customer: customer ? { admin_graphql_api_id: customer.id, email: customer.defaultEmailAddress?.emailAddress ?? null } : null,
    financial_status: (g.displayFinancialStatus as string | null)?.toLowerCase() ?? null,
    fulfillment_status: g.displayFulfillmentStatus === 'FULFILLED' ? 'fulfilled' : null,
    cancelled_at: g.cancelledAt,
    test: g.test,
    taxes_included: g.taxesIncluded,
    created_at: g.createdAt,
    processed_at: g.processedAt,
    updated_at: g.updatedAt,
    total_price_set: set(g.totalPriceSet),
    total_tax_set: set(g.totalTaxSet),
    discount_codes: ((g.discountCodes as string[] | null) ?? []).map((code) => ({ code })),
    shipping_lines: g.totalShippingPriceSet ? [{ price_set: set(g.totalShippingPriceSet) }] : [],
    line_items: (o.lineItems as Loose[]).map((l) => ({
      admin_graphql_api_id: l.id,
      product_id: numeric((l.product as { id: string } | null)?.id),
      quantity: l.quantity,
      gift_card: l.isGiftCard,
      price_set: set(l.originalUnitPriceSet),
      discount_allocations: ((l.discountAllocations as Array<{ allocatedAmountSet: Money }>) ?? []).map((d) => ({
        amount_set: set(d.allocatedAmountSet),
      })),
      tax_lines: ((l.taxLines as Array<{ priceSet: Money }>) ?? []).map((t) => ({ price_set: set(t.priceSet) })),
    })),
    refunds: o.refunds.map((r) => ({
      admin_graphql_api_id: r.id,
      created_at: (r as unknown as { createdAt: string }).createdAt,
      refund_line_items: (r.refundLineItems as Loose[]).map((rl) => ({
        line_item: { admin_graphql_api_id: (rl.lineItem as { id: string }).id },
        quantity: rl.quantity,
        subtotal_set: set(rl.subtotalSet),
        total_tax_set: set(rl.totalTaxSet),
      })),
    })),
  };
}

const minor = (m: Money | null | undefined, facts: OrderFacts) => (m ? parseMoney(m.shopMoney.amount, facts.currency) : 0);

interface OrderRow {
  orderId: string;
  name: string;
  currencyCode: string;
  totalMinor: number;
  financialStatus: string | null;
  cancelledAt: string | null;
  processedAt: string;
  sourceUpdatedAt: string;
  facts: OrderFacts;
  guestEmail: string | null;
  customerId: string | null;
  customerKey: string | null;
  paidAt: string | null;
  netSalesMinor: number | null;
}

/**
 * Writes a batch of orders and their refunds in three statements: the rows as one JSON array, expanded by
 * jsonb_to_recordset; an order already recorded (by a webhook, or an earlier run) is left alone.
 */
async function recordOrders(sql: Sql, shop: string, batch: Array<{ order: Gathered; line: number }>) {
  const rows: OrderRow[] = [];
  const errors: Array<{ row: number; column: string; message: string }> = [];
  for (const { order, line } of batch) {
    let facts: OrderFacts;
    try {
      facts = orderFacts(webhookShape(order));
    } catch (err) {
      if (!(err instanceof InvalidOrderError)) throw err;
      errors.push({ row: line, column: err.path, message: `${order.id}: ${err.reason}` });
      continue;
    }
    const paid = isPaidStatus(facts.financialStatus);
    const net = paid && !facts.cancelled ? netSalesMinor(facts, facts.refunds) : null;
    rows.push({
      orderId: facts.orderId,
      name: String(order.name),
      currencyCode: facts.currency,
      totalMinor: minor(order.totalPriceSet as Money, facts),
      financialStatus: facts.financialStatus,
      cancelledAt: facts.cancelled ? facts.updatedAt.toISOString() : null,
      processedAt: facts.processedAt.toISOString(),
      sourceUpdatedAt: facts.updatedAt.toISOString(),
      facts: { ...facts, email: null },
      guestEmail: facts.customerId ? null : facts.email,
      customerId: facts.customerId,
      customerKey: customerKeyOf(facts),
      // A past sale counts from when it was placed (a webhook's paidAt is its delivery time).
      paidAt: paid ? facts.processedAt.toISOString() : null,
      netSalesMinor: net,
    });
  }
  const refunds = rows.flatMap((r) => r.facts.refunds.map((f) => ({ refundId: f.refundId, orderId: r.orderId, facts: f })));
  if (refunds.length)
    await sql.$executeRaw`
      INSERT INTO "Refund" (id, shop, "refundId", "orderId", facts)
      SELECT gen_random_uuid()::text, ${shop}, r."refundId", r."orderId", r.facts
      FROM jsonb_to_recordset(${JSON.stringify(refunds)}::jsonb) AS r("refundId" text, "orderId" text, facts jsonb)
      ON CONFLICT (shop, "refundId") DO NOTHING`;
  const recorded = rows.length
    ? await sql.$executeRaw`
      INSERT INTO "Order" (id, shop, "orderId", "memberId", name, "currencyCode", "totalMinor", "financialStatus", "cancelledAt",
                           "processedAt", "sourceUpdatedAt", facts, "guestEmail", "customerKey", "paidAt", "netSalesMinor", "updatedAt")
      SELECT gen_random_uuid()::text, ${shop}, r."orderId", m.id, r.name, r."currencyCode", r."totalMinor", r."financialStatus",
             r."cancelledAt", r."processedAt", r."sourceUpdatedAt", r.facts, r."guestEmail", r."customerKey", r."paidAt",
             r."netSalesMinor", now()
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("orderId" text, name text, "currencyCode" text, "totalMinor" bigint,
             "financialStatus" text, "cancelledAt" timestamp, "processedAt" timestamp, "sourceUpdatedAt" timestamp, facts jsonb,
             "guestEmail" text, "customerId" text, "customerKey" text, "paidAt" timestamp, "netSalesMinor" bigint)
      LEFT JOIN "Member" m ON m.shop = ${shop} AND m."customerId" = r."customerId"
      ON CONFLICT (shop, "orderId") DO NOTHING`
    : 0;
  return { orders: batch.length, recorded, alreadyRecorded: rows.length - recorded, invalid: errors.length, errors };
}
