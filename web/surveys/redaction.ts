// customers/redact: a redacted customer's survey answers stay (scores must
// not move) but nothing in them leads back to the customer: no member,
// customer or order, no comment, and the respondent becomes anon:<response id>.
import type { Sql } from '../db/sql.js';

export async function anonymiseSurveyResponses(
  sql: Sql,
  shop: string,
  who: { customerId: string; memberId: string | null; orderIds?: readonly string[] },
): Promise<number> {
  return sql.$executeRaw`
    UPDATE "SurveyResponse" SET respondent = 'anon:' || id, "memberId" = NULL, "customerId" = NULL, "orderId" = NULL, comment = NULL
    WHERE shop = ${shop} AND ("customerId" = ${who.customerId} OR respondent = ${`customer:${who.customerId}`}
      OR (${who.memberId}::text IS NOT NULL AND "memberId" = ${who.memberId})
      OR "orderId" = ANY(${who.orderIds ?? []}::text[]))`;
}
