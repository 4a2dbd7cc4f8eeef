-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "chainKey" TEXT,
ADD COLUMN     "chainStale" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "firstAt" TIMESTAMP(3),
ADD COLUMN     "nextAt" TIMESTAMP(3),
ADD COLUMN     "prevAt" TIMESTAMP(3),
ADD COLUMN     "prevNetMinor" BIGINT;

-- CreateIndex
CREATE INDEX "Order_shop_chainStale_idx" ON "Order"("shop", "chainStale");


-- The analytics refresh (web/analytics/chains.ts) recomputes the customers of every order marked stale. Every writer
-- marks it, raw SQL included: a new order is stale by default, and this trigger marks an order whose sale changes.
CREATE FUNCTION "Order_chain_stale"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."customerKey" IS DISTINCT FROM OLD."customerKey" OR NEW."processedAt" IS DISTINCT FROM OLD."processedAt"
     OR NEW."orderId" IS DISTINCT FROM OLD."orderId" OR NEW."netSalesMinor" IS DISTINCT FROM OLD."netSalesMinor"
     OR NEW."cancelledAt" IS DISTINCT FROM OLD."cancelledAt" OR NEW.shop IS DISTINCT FROM OLD.shop THEN
    NEW."chainStale" := true;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "Order_chain_stale" BEFORE UPDATE OF shop, "customerKey", "processedAt", "orderId", "netSalesMinor", "cancelledAt"
  ON "Order" FOR EACH ROW EXECUTE FUNCTION "Order_chain_stale"();
