-- AlterTable
ALTER TABLE "merchants" ADD COLUMN     "bale_token_enc" TEXT,
ADD COLUMN     "bale_webhook_secret" TEXT;
