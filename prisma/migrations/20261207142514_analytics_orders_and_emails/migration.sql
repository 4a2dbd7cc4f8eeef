-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "emailSettings" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "emailMarketingState" TEXT,
ADD COLUMN     "emailUndeliverableAt" TIMESTAMP(3),
ADD COLUMN     "locale" TEXT;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "customerKey" TEXT,
ADD COLUMN     "netSalesMinor" BIGINT,
ADD COLUMN     "paidAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "EmailMessage" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "templates" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailMessage_pkey" PRIMARY KEY ("shop","key")
);

-- CreateTable
CREATE TABLE "EmailSend" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "notBefore" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "messageId" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "clickedAt" TIMESTAMP(3),

    CONSTRAINT "EmailSend_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailClick" (
    "id" TEXT NOT NULL,
    "sendId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailClick_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailUnsubscribe" (
    "shop" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailUnsubscribe_pkey" PRIMARY KEY ("shop","memberId","category")
);

-- CreateIndex
CREATE INDEX "EmailSend_status_notBefore_idx" ON "EmailSend"("status", "notBefore");

-- CreateIndex
CREATE INDEX "EmailSend_shop_memberId_createdAt_idx" ON "EmailSend"("shop", "memberId", "createdAt");

-- CreateIndex
CREATE INDEX "EmailSend_shop_key_createdAt_idx" ON "EmailSend"("shop", "key", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "EmailSend_shop_memberId_key_cause_key" ON "EmailSend"("shop", "memberId", "key", "cause");

-- CreateIndex
CREATE INDEX "EmailClick_sendId_idx" ON "EmailClick"("sendId");

-- CreateIndex
CREATE INDEX "Order_shop_customerKey_processedAt_idx" ON "Order"("shop", "customerKey", "processedAt");

-- AddForeignKey
ALTER TABLE "EmailClick" ADD CONSTRAINT "EmailClick_sendId_fkey" FOREIGN KEY ("sendId") REFERENCES "EmailSend"("id") ON DELETE CASCADE ON UPDATE CASCADE;

