-- CreateEnum
CREATE TYPE "ReferralStatus" AS ENUM ('VISITED', 'PENDING', 'REWARDED', 'BLOCKED', 'REJECTED', 'CANCELLED', 'REVERSED');

-- CreateTable
CREATE TABLE "ReferralCode" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReferralCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Referral" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "referrerId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "status" "ReferralStatus" NOT NULL DEFAULT 'VISITED',
    "reason" TEXT,
    "deviceId" TEXT,
    "friendCustomerId" TEXT,
    "friendMemberId" TEXT,
    "friendEmail" TEXT,
    "offerCode" TEXT,
    "offerShopifyId" TEXT,
    "offerError" TEXT,
    "orderId" TEXT,
    "rewardPoints" INTEGER NOT NULL DEFAULT 0,
    "reviewedBy" TEXT,
    "reviewedAt" TIMESTAMP(3),
    "qualifiedAt" TIMESTAMP(3),
    "rewardedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemberDevice" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberDevice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopifyResource" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShopifyResource_pkey" PRIMARY KEY ("shop","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReferralCode_shop_code_key" ON "ReferralCode"("shop", "code");

-- CreateIndex
CREATE UNIQUE INDEX "ReferralCode_shop_memberId_key" ON "ReferralCode"("shop", "memberId");

-- CreateIndex
CREATE INDEX "Referral_shop_referrerId_status_idx" ON "Referral"("shop", "referrerId", "status");

-- CreateIndex
CREATE INDEX "Referral_shop_status_createdAt_idx" ON "Referral"("shop", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_shop_offerCode_key" ON "Referral"("shop", "offerCode");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_shop_orderId_key" ON "Referral"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_shop_code_deviceId_key" ON "Referral"("shop", "code", "deviceId");

-- CreateIndex
CREATE INDEX "MemberDevice_shop_deviceId_idx" ON "MemberDevice"("shop", "deviceId");

-- CreateIndex
CREATE UNIQUE INDEX "MemberDevice_shop_memberId_deviceId_key" ON "MemberDevice"("shop", "memberId", "deviceId");

