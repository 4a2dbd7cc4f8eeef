-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "embedOpenedAt" TIMESTAMP(3),
ADD COLUMN     "embedSeenAt" TIMESTAMP(3);

