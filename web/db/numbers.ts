// Money and points are BIGINT columns (an ordinary IDR or VND order exceeds
// 2^31 minor units) but JavaScript `number`s everywhere in the app, the APIs
// and their JSON: exact up to Number.MAX_SAFE_INTEGER (2^53 − 1 minor units,
// 90 trillion rupiah). Inputs beyond that are refused where they enter
// (parseMoney, the zod schemas); here, reading a BIGINT that does not fit a
// number throws rather than rounding it.
import pg from 'pg';
import { Prisma } from '../generated/prisma/client.js';

export class UnsafeIntegerError extends RangeError {
  override readonly name = 'UnsafeIntegerError';
  constructor(value: string | bigint) {
    super(`the database holds ${value}, beyond what a JavaScript number holds exactly (2^53 − 1)`);
  }
}

/** A BIGINT as a number; throws UnsafeIntegerError beyond ±(2^53 − 1). */
export function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) throw new UnsafeIntegerError(value);
  return Number(value);
}

const parseInt8 = (text: string): number => toSafeNumber(BigInt(text));

/**
 * pg's type parsers for the app's own pool: INT8 (BIGINT, and count(*)) as
 * a number instead of a string; everything else as pg parses it
 * globally (timestamps: web/db/sql.ts). Per pool, so Prisma's adapter and
 * pg-boss keep pg's defaults.
 */
export const numberTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format !== 'binary' && oid === pg.types.builtins.INT8) return parseInt8;
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
} as pg.CustomTypesConfig;

/** The BIGINT fields of money and points (schema.prisma), whatever their model. */
const MONEY_AND_POINTS = new Set([
  'pointsAvailable',
  'pointsPending',
  'lifetimeEarned',
  'lifetimeRedeemed', // Member
  'totalMinor',
  'earnBaseMinor',
  'pointsAwarded',
  'spentMinor',
  'netSalesMinor', // Order
  'points',
  'shortfall', // PointEntry, Redemption
  'valueMinor',
  'amountMinor',
  'debitedMinor', // Redemption, StoreCreditDebit
  'threshold',
  'rewardPoints', // Tier, Referral
  'subtotalMinor', // Checkout
]);

/** A model query's result (nested relations and aggregates too) with its money and points bigints as numbers, in place. */
function modelResultWithNumbers(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (const item of value) modelResultWithNumbers(item);
  } else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const [key, field] of Object.entries(record)) {
      if (typeof field === 'bigint') {
        if (MONEY_AND_POINTS.has(key)) record[key] = toSafeNumber(field);
      } else if (field && typeof field === 'object') {
        modelResultWithNumbers(field);
      }
    }
  }
  return value;
}

/** A raw query's rows with every bigint (an INT8 column) as a number, in place. */
function rowsWithNumbers(result: unknown): unknown {
  if (!Array.isArray(result)) return result;
  for (const row of result) {
    if (!row || typeof row !== 'object') continue;
    const record = row as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (typeof value === 'bigint') record[key] = toSafeNumber(value);
    }
  }
  return result;
}

/**
 * Prisma reads BIGINT fields as bigint; this extension hands money and points
 * to the app as numbers (the same field names), and raw queries' INT8
 * columns too. Writes take numbers as they are (Prisma accepts a number for a
 * BigInt). Other BIGINT fields (Event.seq, Session.userId) stay bigint.
 *
 * It converts in a query extension rather than with `result` fields: those
 * wrap every row in a proxy whose extra inspect symbol makes plain objects
 * and rows compare unequal. `numberTypes` below states the resulting types.
 */
export const bigintAsNumber = Prisma.defineExtension({
  name: 'bigint-as-number',
  query: {
    $allModels: {
      async $allOperations({ args, query }) {
        return modelResultWithNumbers(await query(args));
      },
    },
    async $queryRaw({ args, query }) {
      return rowsWithNumbers(await query(args));
    },
    async $queryRawUnsafe({ args, query }) {
      return rowsWithNumbers(await query(args));
    },
  },
});

const num = (value: bigint) => toSafeNumber(value);
const numOrNull = (value: bigint | null) => (value === null ? null : toSafeNumber(value));

/**
 * The types bigintAsNumber gives results: the same fields as numbers. Used
 * for its types only (web/db.ts); as a runtime extension it would be right
 * too, but see bigintAsNumber for why it is not one.
 */
export const moneyAndPointsAsNumbers = Prisma.defineExtension({
  result: {
    member: {
      pointsAvailable: { needs: { pointsAvailable: true }, compute: (m) => num(m.pointsAvailable) },
      pointsPending: { needs: { pointsPending: true }, compute: (m) => num(m.pointsPending) },
      lifetimeEarned: { needs: { lifetimeEarned: true }, compute: (m) => num(m.lifetimeEarned) },
      lifetimeRedeemed: { needs: { lifetimeRedeemed: true }, compute: (m) => num(m.lifetimeRedeemed) },
    },
    order: {
      totalMinor: { needs: { totalMinor: true }, compute: (o) => num(o.totalMinor) },
      earnBaseMinor: { needs: { earnBaseMinor: true }, compute: (o) => numOrNull(o.earnBaseMinor) },
      pointsAwarded: { needs: { pointsAwarded: true }, compute: (o) => num(o.pointsAwarded) },
      spentMinor: { needs: { spentMinor: true }, compute: (o) => num(o.spentMinor) },
      netSalesMinor: { needs: { netSalesMinor: true }, compute: (o) => numOrNull(o.netSalesMinor) },
    },
    pointEntry: {
      points: { needs: { points: true }, compute: (e) => num(e.points) },
      shortfall: { needs: { shortfall: true }, compute: (e) => num(e.shortfall) },
    },
    redemption: {
      points: { needs: { points: true }, compute: (r) => num(r.points) },
      valueMinor: { needs: { valueMinor: true }, compute: (r) => num(r.valueMinor) },
    },
    storeCreditDebit: {
      amountMinor: { needs: { amountMinor: true }, compute: (d) => num(d.amountMinor) },
      debitedMinor: { needs: { debitedMinor: true }, compute: (d) => numOrNull(d.debitedMinor) },
    },
    tier: {
      threshold: { needs: { threshold: true }, compute: (t) => num(t.threshold) },
    },
    referral: {
      rewardPoints: { needs: { rewardPoints: true }, compute: (r) => num(r.rewardPoints) },
    },
    checkout: {
      subtotalMinor: { needs: { subtotalMinor: true }, compute: (c) => num(c.subtotalMinor) },
    },
  },
});
