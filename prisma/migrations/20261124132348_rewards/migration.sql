-- CreateEnum
CREATE TYPE "RedemptionStatus" AS ENUM ('PENDING', 'ISSUED', 'USED', 'FAILED', 'EXPIRED');

-- CreateTable
CREATE TABLE "Reward" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "tierIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "limitPerMember" INTEGER,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Reward_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Redemption" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "status" "RedemptionStatus" NOT NULL DEFAULT 'PENDING',
    "points" INTEGER NOT NULL,
    "valueMinor" INTEGER NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "code" TEXT,
    "shopifyId" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "orderId" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "issuedAt" TIMESTAMP(3),
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Reward_shop_idx" ON "Reward"("shop");

-- CreateIndex
CREATE INDEX "Redemption_shop_memberId_rewardId_idx" ON "Redemption"("shop", "memberId", "rewardId");

-- CreateIndex
CREATE INDEX "Redemption_shop_status_idx" ON "Redemption"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shop_memberId_idempotencyKey_key" ON "Redemption"("shop", "memberId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shop_code_key" ON "Redemption"("shop", "code");

-- AddForeignKey
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_rewardId_fkey" FOREIGN KEY ("rewardId") REFERENCES "Reward"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

