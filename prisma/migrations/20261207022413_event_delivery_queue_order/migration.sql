-- DropIndex
DROP INDEX "EventDelivery_status_nextAttemptAt_seq_idx";

-- CreateIndex
CREATE INDEX "EventDelivery_status_seq_idx" ON "EventDelivery"("status", "seq");

