-- DropIndex
DROP INDEX "Order_shop_customerKey_processedAt_idx";

-- CreateIndex
CREATE INDEX "Order_shop_customerKey_processedAt_orderId_netSalesMinor_ca_idx" ON "Order"("shop", "customerKey", "processedAt", "orderId", "netSalesMinor", "cancelledAt");

