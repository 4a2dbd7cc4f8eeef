-- AlterTable
ALTER TABLE "Reward" ADD COLUMN     "system" BOOLEAN NOT NULL DEFAULT false;

