-- CreateEnum
CREATE TYPE "sms_state" AS ENUM ('pending', 'sending', 'sent', 'delivered', 'failed', 'unknown', 'skipped');

-- AlterTable
ALTER TABLE "members" ADD COLUMN     "sms_opted_out" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "sms_messages" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "member_id" UUID,
    "phone" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "parts" INTEGER NOT NULL,
    "cost_rials" BIGINT NOT NULL,
    "promotional" BOOLEAN NOT NULL,
    "broadcast_id" UUID,
    "state" "sms_state" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "provider" TEXT,
    "provider_message_id" TEXT,
    "error" TEXT,
    "sent_day" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "reported_at" TIMESTAMPTZ(3),

    CONSTRAINT "sms_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sms_messages_merchant_id_sent_day_idx" ON "sms_messages"("merchant_id", "sent_day");

-- CreateIndex
CREATE INDEX "sms_messages_state_sent_at_idx" ON "sms_messages"("state", "sent_at");

-- CreateIndex
CREATE INDEX "sms_messages_phone_idx" ON "sms_messages"("phone");

-- CreateIndex
CREATE UNIQUE INDEX "sms_messages_merchant_id_key_key" ON "sms_messages"("merchant_id", "key");
