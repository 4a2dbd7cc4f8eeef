-- CreateEnum
CREATE TYPE "StoreCreditDebitStatus" AS ENUM ('PENDING', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "StoreCreditDebit" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "debitedMinor" INTEGER,
    "currencyCode" TEXT NOT NULL,
    "status" "StoreCreditDebitStatus" NOT NULL DEFAULT 'PENDING',
    "shopifyId" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "StoreCreditDebit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StoreCreditDebit_shop_orderId_idx" ON "StoreCreditDebit"("shop", "orderId");

-- CreateIndex
CREATE INDEX "StoreCreditDebit_status_idx" ON "StoreCreditDebit"("status");

-- CreateIndex
CREATE UNIQUE INDEX "StoreCreditDebit_shop_idempotencyKey_key" ON "StoreCreditDebit"("shop", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "StoreCreditDebit" ADD CONSTRAINT "StoreCreditDebit_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

