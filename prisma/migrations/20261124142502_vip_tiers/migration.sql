-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "manualTierId" TEXT,
ADD COLUMN     "manualTierLockedUntil" TIMESTAMP(3),
ADD COLUMN     "syncedTierId" TEXT,
ADD COLUMN     "tierId" TEXT,
ADD COLUMN     "tierKeptUntil" TIMESTAMP(3),
ADD COLUMN     "tierReachedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "spentMinor" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Tier" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "threshold" INTEGER NOT NULL,
    "perks" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TierChange" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "fromTierId" TEXT,
    "toTierId" TEXT,
    "fromName" TEXT,
    "toName" TEXT,
    "reason" TEXT NOT NULL,
    "actor" TEXT,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TierChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Tier_shop_idx" ON "Tier"("shop");

-- CreateIndex
CREATE INDEX "TierChange_shop_memberId_createdAt_idx" ON "TierChange"("shop", "memberId", "createdAt");

-- CreateIndex
CREATE INDEX "TierChange_shop_createdAt_idx" ON "TierChange"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Member_shop_tierId_idx" ON "Member"("shop", "tierId");

-- CreateIndex
CREATE INDEX "Member_tierKeptUntil_idx" ON "Member"("tierKeptUntil");

-- AddForeignKey
ALTER TABLE "Tier" ADD CONSTRAINT "Tier_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierChange" ADD CONSTRAINT "TierChange_shop_fkey" FOREIGN KEY ("shop") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

