-- AlterEnum
ALTER TYPE "RedemptionStatus" ADD VALUE 'NEEDS_REVIEW';

-- AlterEnum
ALTER TYPE "StoreCreditDebitStatus" ADD VALUE 'NEEDS_REVIEW';

