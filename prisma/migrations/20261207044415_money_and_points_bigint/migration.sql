-- Money and points become BIGINT (issue 13, item 1): an ordinary IDR, VND or LBP order
-- exceeds 2^31 minor units. The app reads them as JavaScript numbers (web/db/numbers.ts).

-- AlterTable
ALTER TABLE "Member" ALTER COLUMN "pointsAvailable" SET DATA TYPE BIGINT,
ALTER COLUMN "pointsPending" SET DATA TYPE BIGINT,
ALTER COLUMN "lifetimeEarned" SET DATA TYPE BIGINT,
ALTER COLUMN "lifetimeRedeemed" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "Order" ALTER COLUMN "totalMinor" SET DATA TYPE BIGINT,
ALTER COLUMN "earnBaseMinor" SET DATA TYPE BIGINT,
ALTER COLUMN "pointsAwarded" SET DATA TYPE BIGINT,
ALTER COLUMN "spentMinor" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "PointEntry" ALTER COLUMN "points" SET DATA TYPE BIGINT,
ALTER COLUMN "shortfall" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "Redemption" ALTER COLUMN "points" SET DATA TYPE BIGINT,
ALTER COLUMN "valueMinor" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "StoreCreditDebit" ALTER COLUMN "amountMinor" SET DATA TYPE BIGINT,
ALTER COLUMN "debitedMinor" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "Tier" ALTER COLUMN "threshold" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "Referral" ALTER COLUMN "rewardPoints" SET DATA TYPE BIGINT;

