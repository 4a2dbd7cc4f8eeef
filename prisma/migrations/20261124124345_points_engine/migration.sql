-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "balanceVersion" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lastActivityAt" TIMESTAMP(3),
ADD COLUMN     "syncedVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "awardedAt" TIMESTAMP(3),
ADD COLUMN     "earnBaseMinor" INTEGER,
ADD COLUMN     "facts" JSONB,
ADD COLUMN     "guestEmail" TEXT,
ADD COLUMN     "pointsAvailableAt" TIMESTAMP(3),
ADD COLUMN     "pointsAwarded" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pointsReleasedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "PointEntry" ADD COLUMN     "actor" TEXT,
ADD COLUMN     "orderId" TEXT,
ADD COLUMN     "shortfall" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Refund" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "facts" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Refund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EarnRule" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "startsAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EarnRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "multiplier" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "ruleTypes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "memberId" TEXT,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Refund_shop_orderId_idx" ON "Refund"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Refund_shop_refundId_key" ON "Refund"("shop", "refundId");

-- CreateIndex
CREATE INDEX "EarnRule_shop_idx" ON "EarnRule"("shop");

-- CreateIndex
CREATE INDEX "Campaign_shop_startsAt_idx" ON "Campaign"("shop", "startsAt");

-- CreateIndex
CREATE INDEX "Event_shop_createdAt_idx" ON "Event"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Event_shop_memberId_type_idx" ON "Event"("shop", "memberId", "type");

-- CreateIndex
CREATE INDEX "Member_shop_balanceVersion_idx" ON "Member"("shop", "balanceVersion");

-- CreateIndex
CREATE INDEX "Order_shop_guestEmail_idx" ON "Order"("shop", "guestEmail");

-- CreateIndex
CREATE INDEX "Order_pointsAvailableAt_idx" ON "Order"("pointsAvailableAt");

-- CreateIndex
CREATE INDEX "PointEntry_shop_orderId_idx" ON "PointEntry"("shop", "orderId");

-- AddForeignKey
ALTER TABLE "EarnRule" ADD CONSTRAINT "EarnRule_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

