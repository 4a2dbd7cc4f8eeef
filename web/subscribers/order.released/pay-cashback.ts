// Automatic cashback is paid when the order's pending period ends, in the
// release's transaction (keyed by the order, so once); cashback.paid/issue-store-credit credits it in Shopify after commit.
import { defineSubscriber } from '../../events/subscriber.js';
import { payCashback } from '../../loyalty/cashback.js';
import { workingProgram } from '../../loyalty/working-program.js';

export default defineSubscriber({
  on: 'order.released',
  mode: 'in-transaction',
  async handle(event, { sql }) {
    const program = workingProgram(sql, event.shop);
    if (!program) return;
    const { orderId, spentMinor, processedAt } = event.data;
    await payCashback(
      sql,
      program,
      { orderId, memberId: event.memberId ?? null, spentMinor, processedAt: new Date(processedAt) },
      event.at,
    );
  },
});
