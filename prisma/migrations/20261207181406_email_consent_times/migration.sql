-- AlterEnum
ALTER TYPE "PointSource" ADD VALUE 'EMAIL';

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "emailMarketingConsentAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "EmailUnsubscribe" ADD COLUMN     "shopifySyncedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "EmailUnsubscribe_shopifySyncedAt_idx" ON "EmailUnsubscribe"("shopifySyncedAt");

