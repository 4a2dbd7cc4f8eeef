// transaction() is the one way to open a transaction, on the engine's pg pool
// or on Prisma (configuration CRUD): both retry a deadlock or serialization
// failure and run afterCommit() callbacks only once the work committed.
// (tests/integration/transactions.test.ts runs the pg side on a real database.)
import { describe, expect, it } from 'vitest';
import { afterCommit, isRetryable, transaction, type Sql } from '../../../web/db/sql.js';

const sql: Sql = { $queryRaw: async () => [] as never, $executeRaw: async () => 0 };

/** Prisma's interactive $transaction as far as transaction() sees it: the first `failures` calls throw `error` after the work ran. */
function fakePrisma(error: unknown, failures: number) {
  const calls = { transactions: 0 };
  return {
    calls,
    async $transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
      calls.transactions++;
      const tx: Sql = { ...sql };
      const result = await work(tx);
      if (calls.transactions <= failures) throw error;
      return result;
    },
  };
}

describe('transaction() on Prisma', () => {
  it('runs the work again after a deadlock Prisma reports (P2034), and the after-commit callback once', async () => {
    const prisma = fakePrisma(Object.assign(new Error('Transaction failed due to a write conflict or a deadlock'), { code: 'P2034' }), 1);
    let committed = 0;
    const result = await transaction(prisma, async (tx) => {
      afterCommit(tx, () => committed++);
      return 'done';
    });
    expect(result).toBe('done');
    expect(prisma.calls.transactions).toBe(2);
    expect(committed).toBe(1);
  });

  it('retries PostgreSQL deadlock and serialization codes carried inside a driver-adapter error', async () => {
    const wrapped = { code: 'P2010', meta: { driverAdapterError: { cause: { originalCode: '40P01' } } } };
    const prisma = fakePrisma(wrapped, 2);
    await expect(transaction(prisma, async () => 1)).resolves.toBe(1);
    expect(prisma.calls.transactions).toBe(3);
    expect(isRetryable({ cause: { originalCode: '40001' } })).toBe(true);
  });

  it('rethrows any other error at once, with no after-commit callback', async () => {
    const prisma = fakePrisma(Object.assign(new Error('unique'), { code: 'P2002' }), 5);
    let committed = 0;
    await expect(transaction(prisma, async (tx) => void afterCommit(tx, () => committed++))).rejects.toMatchObject({ code: 'P2002' });
    expect(prisma.calls.transactions).toBe(1);
    expect(committed).toBe(0);
  });

  it('gives up after three attempts', async () => {
    const prisma = fakePrisma({ code: '40001' }, 10);
    await expect(transaction(prisma, async () => 1)).rejects.toMatchObject({ code: '40001' });
    expect(prisma.calls.transactions).toBe(3);
  });
});
