// Rule segments' "days since last/first order" conditions check a cheap bound on
// the UTC timestamp before the exact local-day test (web/segments/rules.ts
// dayBound, for the segments benchmark). The bound must never change an
// answer: for every op, several day counts, time zones from UTC−11 to UTC+14
// and ones whose clocks change at midnight, and timestamps every 47 minutes
// over ten days around a clock change, the compiled condition equals the
// exact one (nulls included). PGlite and PostgreSQL.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../web/db/embedded.js';
import { compileRules, FIELDS, type Op } from '../../web/segments/rules.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

let database: TestDatabase;
let embedded: EmbeddedDatabase | null = null;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  if (database.env.DATABASE_URL) pool = new pg.Pool({ connectionString: database.env.DATABASE_URL, max: 2 });
  else {
    embedded = await startEmbeddedDatabase('memory://');
    pool = new pg.Pool({ connectionString: embedded.url, max: 2 });
  }
});
afterAll(async () => {
  await pool?.end();
  await embedded?.close();
  await database?.drop();
});

const ZONES = ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Santiago', 'America/Havana', 'Europe/Berlin', 'Asia/Kolkata'];
const OPS = ['lte', 'lt', 'gte', 'gt', 'eq', 'neq'] as const satisfies readonly Op[];
const DAYS = [0, 1, 2, 3, 5];
// Around clock changes at midnight (Santiago, Havana) and Berlin's.
const TODAYS = ['2026-04-06', '2026-09-08', '2026-03-10', '2026-10-27'];

describe('day bounds of rule segments', () => {
  it('never change the answer of a days-since condition', async () => {
    let compared = 0;
    for (const field of ['daysSinceLastOrder', 'daysSinceFirstOrder'] as const) {
      const column = FIELDS[field]!.daysSince!;
      for (const op of OPS)
        for (const n of DAYS) {
          const compiled = compileRules({ all: [{ field, op, value: n }] });
          const exact = op === 'neq' ? `(${FIELDS[field]!.sql} IS DISTINCT FROM $4::bigint)` : null;
          // $1 shop (unused), $2 zone, $3 today; the compiled values from $4; the exact condition's n last.
          const values: unknown[] = [null, null, null, ...compiled.values];
          values.push(n);
          const nAt = `$${values.length}::bigint`;
          const cmp = { lte: '<=', lt: '<', gte: '>=', gt: '>', eq: '=', neq: '<>' }[op];
          const reference = exact ? exact.replace('$4::bigint', nAt) : `(${FIELDS[field]!.sql} ${cmp} ${nAt})`;
          for (const zone of ZONES)
            for (const today of TODAYS) {
              values[0] = 'shop';
              values[1] = zone;
              values[2] = today;
              const { rows } = await pool.query<{ differ: number; total: number }>(
                `SELECT count(*) FILTER (WHERE (${compiled.where}) IS DISTINCT FROM ${reference})::int AS differ, count(*)::int AS total
                 FROM (SELECT t AS ${column.slice(2)} FROM generate_series(($3::date - 8)::timestamp, ($3::date + 2)::timestamp, interval '47 minutes') AS t
                       UNION ALL SELECT NULL) o
                 WHERE $1::text IS NOT NULL`,
                values,
              );
              expect(rows[0]!.differ, `${field} ${op} ${n} in ${zone} on ${today}`).toBe(0);
              compared += rows[0]!.total;
            }
        }
    }
    expect(compared).toBeGreaterThan(100_000);
  });
});
