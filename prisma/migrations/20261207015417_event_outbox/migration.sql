-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "cause" TEXT,
ADD COLUMN     "dispatchedAt" TIMESTAMP(3),
ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- CreateTable
CREATE TABLE "EventDelivery" (
    "id" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "memberId" TEXT,
    "seq" BIGINT NOT NULL,
    "subscriber" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "EventDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EventDelivery_status_nextAttemptAt_seq_idx" ON "EventDelivery"("status", "nextAttemptAt", "seq");

-- CreateIndex
CREATE INDEX "EventDelivery_subscriber_memberId_status_seq_idx" ON "EventDelivery"("subscriber", "memberId", "status", "seq");

-- CreateIndex
CREATE INDEX "EventDelivery_shop_status_createdAt_idx" ON "EventDelivery"("shop", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "EventDelivery_eventId_subscriber_key" ON "EventDelivery"("eventId", "subscriber");

-- CreateIndex
CREATE INDEX "Event_shop_type_createdAt_idx" ON "Event"("shop", "type", "createdAt");

-- CreateIndex
CREATE INDEX "Event_dispatchedAt_seq_idx" ON "Event"("dispatchedAt", "seq");

-- AddForeignKey
ALTER TABLE "EventDelivery" ADD CONSTRAINT "EventDelivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Events written before the outbox had subscribers: nothing is owed to them.
UPDATE "Event" SET "dispatchedAt" = "createdAt" WHERE "dispatchedAt" IS NULL;
