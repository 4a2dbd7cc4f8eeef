-- AlterEnum
ALTER TYPE "PointSource" ADD VALUE 'SURVEY';

-- CreateTable
CREATE TABLE "Survey" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "content" JSONB NOT NULL DEFAULT '{}',
    "trigger" JSONB NOT NULL DEFAULT '{"kind":"manual"}',
    "periodDays" INTEGER NOT NULL DEFAULT 90,
    "pointsForAnswer" INTEGER NOT NULL DEFAULT 50,
    "channels" TEXT[] DEFAULT ARRAY['email', 'widget', 'thank_you']::TEXT[],
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Survey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyInvite" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "surveyId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "period" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "orderId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),

    CONSTRAINT "SurveyInvite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyResponse" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "surveyId" TEXT NOT NULL,
    "respondent" TEXT NOT NULL,
    "memberId" TEXT,
    "customerId" TEXT,
    "orderId" TEXT,
    "period" INTEGER NOT NULL,
    "answers" JSONB NOT NULL,
    "comment" TEXT,
    "channel" TEXT NOT NULL,
    "isMember" BOOLEAN NOT NULL,
    "tierId" TEXT,
    "pointsAwarded" INTEGER NOT NULL DEFAULT 0,
    "handledAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyResponse_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Survey_shop_status_idx" ON "Survey"("shop", "status");

-- CreateIndex
CREATE INDEX "SurveyInvite_shop_memberId_idx" ON "SurveyInvite"("shop", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyInvite_surveyId_memberId_period_key" ON "SurveyInvite"("surveyId", "memberId", "period");

-- CreateIndex
CREATE INDEX "SurveyResponse_shop_surveyId_answeredAt_idx" ON "SurveyResponse"("shop", "surveyId", "answeredAt");

-- CreateIndex
CREATE INDEX "SurveyResponse_shop_memberId_idx" ON "SurveyResponse"("shop", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyResponse_surveyId_respondent_period_key" ON "SurveyResponse"("surveyId", "respondent", "period");

