// backfill-order-sales: orders stored before Order had its analytics columns
// (customerKey, paidAt, netSalesMinor; ../shared/METRICS.md) get them from what
// the row already holds: the facts of its latest payload and the refunds
// stored for it. Webhooks fill these columns for every order since
// (web/loyalty/order-points.ts); this job runs once when a worker starts, in
// batches of short transactions, and is idempotent: it reads only rows still
// without a paid date and a net, and changes a row only where a value is missing.
import pg from 'pg';
import { transaction, type Sql } from '../db/sql.js';
import type { PrismaClient } from '../db.js';
import type { OrderFacts, RefundFacts } from '../loyalty/domain/order-facts.js';
import { customerKeyOf, isPaidStatus, netSalesMinor, REDACTED_KEY } from '../loyalty/order-points.js';
import { guestCustomerId } from '../loyalty/members.js';
import type { JobDeps } from './deps.js';

const GUEST = guestCustomerId('');

interface Row {
  id: string;
  facts: OrderFacts;
  financialStatus: string | null;
  cancelled: boolean;
  customerKey: string | null;
  guestEmail: string | null;
  memberCustomerId: string | null;
  memberEmail: string | null;
  refunds: RefundFacts[];
}

/**
 * Who an old order belongs to: its customer, else the guest's email — kept
 * on the row, or in the guest member it held points under, or (a guest order
 * claimed when the shopper signed up) the member's. A customer erased on
 * request before this job ran stays erased: their token, or no one.
 */
function customerOf(row: Row): string | null {
  const member = row.memberCustomerId;
  if (member?.startsWith(REDACTED_KEY)) return row.facts.customerId ? member : null;
  if (row.facts.customerId) return row.facts.customerId;
  const email = row.guestEmail ?? (member?.startsWith(GUEST) ? member.slice(GUEST.length) : row.memberEmail);
  return customerKeyOf({ customerId: null, email });
}

/** Fills one batch of orders after `after` (by id); returns the last id read and how many rows changed. */
async function fillBatch(sql: Sql, after: string, size: number): Promise<{ last: string | null; filled: number }> {
  const rows = await sql.$queryRaw<Row[]>`
    SELECT o.id, o.facts, o."financialStatus", o."cancelledAt" IS NOT NULL AS cancelled, o."customerKey", o."guestEmail",
      m."customerId" AS "memberCustomerId", m.email AS "memberEmail",
      (SELECT COALESCE(json_agg(r.facts), '[]'::json) FROM "Refund" r WHERE r.shop = o.shop AND r."orderId" = o."orderId") AS refunds
    FROM "Order" o LEFT JOIN "Member" m ON m.id = o."memberId"
    WHERE o.id > ${after} AND o.facts IS NOT NULL AND o."paidAt" IS NULL AND o."netSalesMinor" IS NULL
    ORDER BY o.id LIMIT ${size}
    FOR UPDATE OF o`;
  const changes = rows.flatMap((row) => {
    const paid = isPaidStatus(row.financialStatus);
    const key = row.customerKey ?? customerOf(row);
    let net: number | null = null;
    try {
      if (paid && !row.cancelled) net = netSalesMinor(row.facts, [...(row.facts.refunds ?? []), ...row.refunds]);
    } catch {
      return []; // a refund the order cannot take (another currency): left as it is, as settling it would fail too
    }
    return paid || key !== row.customerKey ? [{ id: row.id, paid, key, net }] : [];
  });
  if (changes.length > 0) {
    // First seen paid: when the points were awarded, else the stored payload's time (the earliest we know it was paid).
    await sql.$executeRaw`
      UPDATE "Order" o SET "customerKey" = v.key, "netSalesMinor" = v.net,
        "paidAt" = CASE WHEN v.paid THEN COALESCE(o."awardedAt", o."sourceUpdatedAt") END
      FROM unnest(${changes.map((c) => c.id)}::text[], ${changes.map((c) => c.key)}::text[],
                  ${changes.map((c) => c.paid)}::boolean[], ${changes.map((c) => c.net)}::bigint[]) AS v(id, key, paid, net)
      WHERE o.id = v.id`;
  }
  return { last: rows.length === size ? rows[rows.length - 1]!.id : null, filled: changes.length };
}

/** Fills every order still missing its analytics columns, `batchSize` rows per transaction; returns how many changed. */
export async function backfillOrderSales(db: pg.Pool | PrismaClient, batchSize = 500): Promise<{ orders: number }> {
  let after = '';
  let orders = 0;
  for (;;) {
    const batch =
      db instanceof pg.Pool
        ? await transaction(db, (sql) => fillBatch(sql, after, batchSize))
        : await transaction(db, (sql) => fillBatch(sql, after, batchSize));
    orders += batch.filled;
    if (batch.last === null) return { orders };
    after = batch.last;
  }
}

export async function backfillOrderSalesJob(_data: object, { pool, prisma, logger }: JobDeps): Promise<void> {
  const { orders } = await backfillOrderSales(pool ?? prisma);
  if (orders > 0) logger.info({ orders }, 'orders given their customer, paid date and net sales');
}
