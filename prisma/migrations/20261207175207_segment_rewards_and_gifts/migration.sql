-- AlterEnum
ALTER TYPE "PointSource" ADD VALUE 'GIFT';

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "segmentId" TEXT;

-- AlterTable
ALTER TABLE "Reward" ADD COLUMN     "segmentIds" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "SegmentMember" (
    "shop" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "taggedAt" TIMESTAMP(3),

    CONSTRAINT "SegmentMember_pkey" PRIMARY KEY ("segmentId","memberId")
);

-- CreateTable
CREATE TABLE "SegmentGift" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "points" INTEGER,
    "rewardId" TEXT,
    "note" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "SegmentGift_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SegmentMember_shop_memberId_idx" ON "SegmentMember"("shop", "memberId");

-- CreateIndex
CREATE INDEX "SegmentGift_shop_createdAt_idx" ON "SegmentGift"("shop", "createdAt");

