-- CreateEnum
CREATE TYPE "campaign_kind" AS ENUM ('message', 'reward', 'multiplier');

-- CreateEnum
CREATE TYPE "broadcast_status" AS ENUM ('scheduled', 'enqueuing', 'sending', 'paused', 'cancelled', 'done');

-- CreateEnum
CREATE TYPE "delivery_state" AS ENUM ('pending', 'sending', 'sent', 'failed', 'blocked', 'unknown', 'cancelled', 'held_out', 'skipped');

-- CreateTable
CREATE TABLE "operator_invites" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "role" "operator_role" NOT NULL,
    "branch" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "operator_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operator_invites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "merchant_id" UUID NOT NULL,
    "operator_id" UUID,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "allowed" BOOLEAN NOT NULL,
    "target" TEXT,
    "details" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaigns" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "kind" "campaign_kind" NOT NULL,
    "name" TEXT NOT NULL,
    "segment" JSONB NOT NULL DEFAULT '{}',
    "message" JSONB,
    "reward" JSONB,
    "rule" JSONB,
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "holdout_percent" INTEGER NOT NULL DEFAULT 0,
    "attribution_days" INTEGER NOT NULL DEFAULT 7,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_clicks" (
    "campaign_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_clicks_pkey" PRIMARY KEY ("campaign_id","member_id")
);

-- CreateTable
CREATE TABLE "broadcasts" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "status" "broadcast_status" NOT NULL DEFAULT 'scheduled',
    "schedule_at" TIMESTAMPTZ(3),
    "recipients" INTEGER NOT NULL DEFAULT 0,
    "held_out" INTEGER NOT NULL DEFAULT 0,
    "progress_chat_id" TEXT,
    "progress_message_id" INTEGER,
    "progress_locale" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "broadcasts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "broadcast_deliveries" (
    "broadcast_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "state" "delivery_state" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "message_id" INTEGER,
    "error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "broadcast_deliveries_pkey" PRIMARY KEY ("broadcast_id","member_id")
);

-- CreateTable
CREATE TABLE "automation_sends" (
    "merchant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "member_id" UUID NOT NULL,
    "period" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "automation_sends_pkey" PRIMARY KEY ("merchant_id","kind","member_id","period")
);

-- CreateIndex
CREATE UNIQUE INDEX "operator_invites_code_hash_key" ON "operator_invites"("code_hash");

-- CreateIndex
CREATE INDEX "operator_invites_merchant_id_idx" ON "operator_invites"("merchant_id");

-- CreateIndex
CREATE INDEX "audit_log_merchant_id_created_at_idx" ON "audit_log"("merchant_id", "created_at");

-- CreateIndex
CREATE INDEX "campaigns_merchant_id_kind_ends_at_idx" ON "campaigns"("merchant_id", "kind", "ends_at");

-- CreateIndex
CREATE INDEX "broadcasts_status_schedule_at_idx" ON "broadcasts"("status", "schedule_at");

-- CreateIndex
CREATE INDEX "broadcasts_merchant_id_created_at_idx" ON "broadcasts"("merchant_id", "created_at");

-- CreateIndex
CREATE INDEX "broadcast_deliveries_broadcast_id_state_idx" ON "broadcast_deliveries"("broadcast_id", "state");

-- CreateIndex
CREATE INDEX "ledger_entries_merchant_id_created_at_idx" ON "ledger_entries"("merchant_id", "created_at");
