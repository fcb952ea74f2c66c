-- AlterEnum
ALTER TYPE "raffle_status" ADD VALUE 'cancelled';

-- AlterTable
ALTER TABLE "raffles" ADD COLUMN     "cancelled_at" TIMESTAMPTZ(3);
