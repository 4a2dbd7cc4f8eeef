-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "onboardedAt" TIMESTAMP(3),
ADD COLUMN     "widget" JSONB NOT NULL DEFAULT '{}';

-- CreateIndex
CREATE INDEX "Member_shop_pointsAvailable_id_idx" ON "Member"("shop", "pointsAvailable", "id");

-- CreateIndex
CREATE INDEX "Member_shop_lastActivityAt_id_idx" ON "Member"("shop", "lastActivityAt", "id");

-- CreateIndex
CREATE INDEX "Member_shop_createdAt_id_idx" ON "Member"("shop", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Member_email_firstName_lastName_idx" ON "Member" USING GIN ("email" gin_trgm_ops, "firstName" gin_trgm_ops, "lastName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Order_shop_processedAt_idx" ON "Order"("shop", "processedAt");

-- CreateIndex
CREATE INDEX "PointEntry_shop_createdAt_idx" ON "PointEntry"("shop", "createdAt");

