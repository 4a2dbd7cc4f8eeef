-- AlterEnum
ALTER TYPE "PointSource" ADD VALUE 'IMPORT';

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "countryCode" TEXT,
ADD COLUMN     "provinceCode" TEXT,
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "CustomerRfm" (
    "shop" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "recencyDays" INTEGER NOT NULL,
    "frequency" INTEGER NOT NULL,
    "monetaryMinor" BIGINT NOT NULL,
    "r" INTEGER NOT NULL,
    "f" INTEGER NOT NULL,
    "m" INTEGER NOT NULL,
    "segment" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerRfm_pkey" PRIMARY KEY ("shop","customerKey")
);

-- CreateTable
CREATE TABLE "RfmSnapshot" (
    "shop" TEXT NOT NULL,
    "takenOn" DATE NOT NULL,
    "segment" TEXT NOT NULL,
    "customers" INTEGER NOT NULL,
    "members" INTEGER NOT NULL,
    "netSalesMinor" BIGINT NOT NULL,

    CONSTRAINT "RfmSnapshot_pkey" PRIMARY KEY ("shop","takenOn","segment")
);

-- CreateTable
CREATE TABLE "Segment" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'rules',
    "rules" JSONB NOT NULL DEFAULT '{}',
    "syncToShopify" BOOLEAN NOT NULL DEFAULT false,
    "shopifySegmentId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Segment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Import" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "options" JSONB NOT NULL DEFAULT '{}',
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "result" JSONB NOT NULL DEFAULT '{}',
    "cursor" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "undoneAt" TIMESTAMP(3),

    CONSTRAINT "Import_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustomerRfm_shop_segment_idx" ON "CustomerRfm"("shop", "segment");

-- CreateIndex
CREATE UNIQUE INDEX "Segment_shop_handle_key" ON "Segment"("shop", "handle");

-- CreateIndex
CREATE INDEX "Import_shop_createdAt_idx" ON "Import"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "PointEntry_shop_source_sourceId_idx" ON "PointEntry"("shop", "source", "sourceId");

