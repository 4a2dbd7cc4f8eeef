-- CreateTable
CREATE TABLE "Checkout" (
    "shop" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "memberId" TEXT,
    "customerId" TEXT,
    "email" TEXT,
    "currencyCode" TEXT NOT NULL,
    "subtotalMinor" BIGINT NOT NULL,
    "abandonedUrl" TEXT,
    "sourceUpdatedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),
    "remindedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Checkout_pkey" PRIMARY KEY ("shop","token")
);

-- CreateTable
CREATE TABLE "EmailRun" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "total" INTEGER NOT NULL DEFAULT 0,
    "queued" INTEGER NOT NULL DEFAULT 0,
    "cursor" TEXT,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "EmailRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Checkout_completedAt_remindedAt_sourceUpdatedAt_idx" ON "Checkout"("completedAt", "remindedAt", "sourceUpdatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "EmailRun_shop_key_cause_key" ON "EmailRun"("shop", "key", "cause");

