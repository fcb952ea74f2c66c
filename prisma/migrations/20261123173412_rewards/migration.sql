-- CreateEnum
CREATE TYPE "prize_kind" AS ENUM ('points', 'coins', 'credit', 'voucher', 'gift', 'nothing');

-- CreateEnum
CREATE TYPE "gift_request_status" AS ENUM ('requested', 'approved', 'shipped', 'rejected');

-- CreateEnum
CREATE TYPE "voucher_kind" AS ENUM ('percent', 'fixed', 'free_shipping', 'gift_item');

-- CreateEnum
CREATE TYPE "voucher_status" AS ENUM ('available', 'assigned', 'redeemed', 'void');

-- CreateEnum
CREATE TYPE "raffle_status" AS ENUM ('open', 'drawn');

-- CreateTable
CREATE TABLE "wheel_configs" (
    "merchant_id" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "cost_coins" INTEGER NOT NULL DEFAULT 0,
    "per_day" INTEGER,
    "per_week" INTEGER,
    "min_tier" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wheel_configs_pkey" PRIMARY KEY ("merchant_id")
);

-- CreateTable
CREATE TABLE "wheel_prizes" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "kind" "prize_kind" NOT NULL,
    "amount" BIGINT,
    "expires_in_days" INTEGER,
    "voucher_campaign_id" UUID,
    "gift_id" UUID,
    "weight" INTEGER NOT NULL,
    "remaining" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wheel_prizes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wheel_spins" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "prize_id" UUID,
    "idempotency_key" TEXT NOT NULL,
    "cost_coins" INTEGER NOT NULL,
    "result" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wheel_spins_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gifts" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "group_name" TEXT,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "image_url" TEXT,
    "cost_currency" "currency" NOT NULL,
    "cost" BIGINT NOT NULL,
    "remaining" INTEGER,
    "visible_from" TIMESTAMPTZ(3),
    "visible_to" TIMESTAMPTZ(3),
    "tiers" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gifts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gift_requests" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "gift_id" UUID NOT NULL,
    "status" "gift_request_status" NOT NULL DEFAULT 'requested',
    "cost_currency" "currency" NOT NULL,
    "cost" BIGINT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'catalog',
    "idempotency_key" TEXT NOT NULL,
    "tracking_note" TEXT,
    "history" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gift_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "voucher_campaigns" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "voucher_kind" NOT NULL,
    "value" BIGINT NOT NULL DEFAULT 0,
    "max_discount" BIGINT,
    "gift_item" TEXT,
    "shared_code" TEXT,
    "total_limit" INTEGER,
    "per_member_limit" INTEGER,
    "valid_from" TIMESTAMPTZ(3),
    "valid_to" TIMESTAMPTZ(3),
    "min_purchase" BIGINT NOT NULL DEFAULT 0,
    "categories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tiers" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "coin_price" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "voucher_campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vouchers" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "member_id" UUID,
    "status" "voucher_status" NOT NULL DEFAULT 'available',
    "source" TEXT,
    "assigned_at" TIMESTAMPTZ(3),
    "redeemed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vouchers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "voucher_redemptions" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "voucher_id" UUID,
    "code" TEXT NOT NULL,
    "member_id" UUID,
    "order_id" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "discount" BIGINT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "voucher_redemptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "raffles" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "prizes" JSONB NOT NULL,
    "entry_rule" JSONB NOT NULL,
    "opens_at" TIMESTAMPTZ(3) NOT NULL,
    "closes_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "raffle_status" NOT NULL DEFAULT 'open',
    "seed_hash" TEXT NOT NULL,
    "seed_sealed" TEXT NOT NULL,
    "seed" TEXT,
    "ticket_count" INTEGER NOT NULL DEFAULT 0,
    "public_value" TEXT,
    "winners" JSONB,
    "drawn_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "raffles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "raffle_tickets" (
    "id" BIGSERIAL NOT NULL,
    "raffle_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "raffle_tickets_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "wheel_prizes_merchant_id_active_idx" ON "wheel_prizes"("merchant_id", "active");

-- CreateIndex
CREATE INDEX "wheel_spins_member_id_created_at_idx" ON "wheel_spins"("member_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "wheel_spins_merchant_id_idempotency_key_key" ON "wheel_spins"("merchant_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "gifts_merchant_id_active_idx" ON "gifts"("merchant_id", "active");

-- CreateIndex
CREATE INDEX "gift_requests_merchant_id_status_created_at_idx" ON "gift_requests"("merchant_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "gift_requests_member_id_created_at_idx" ON "gift_requests"("member_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "gift_requests_merchant_id_idempotency_key_key" ON "gift_requests"("merchant_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "voucher_campaigns_merchant_id_active_idx" ON "voucher_campaigns"("merchant_id", "active");

-- CreateIndex
CREATE UNIQUE INDEX "voucher_campaigns_merchant_id_shared_code_key" ON "voucher_campaigns"("merchant_id", "shared_code");

-- CreateIndex
CREATE INDEX "vouchers_campaign_id_status_idx" ON "vouchers"("campaign_id", "status");

-- CreateIndex
CREATE INDEX "vouchers_member_id_idx" ON "vouchers"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "vouchers_merchant_id_code_key" ON "vouchers"("merchant_id", "code");

-- CreateIndex
CREATE INDEX "voucher_redemptions_campaign_id_member_id_idx" ON "voucher_redemptions"("campaign_id", "member_id");

-- CreateIndex
CREATE UNIQUE INDEX "voucher_redemptions_merchant_id_order_id_key" ON "voucher_redemptions"("merchant_id", "order_id");

-- CreateIndex
CREATE INDEX "raffles_merchant_id_status_closes_at_idx" ON "raffles"("merchant_id", "status", "closes_at");

-- CreateIndex
CREATE INDEX "raffle_tickets_raffle_id_source_idx" ON "raffle_tickets"("raffle_id", "source");

-- CreateIndex
CREATE INDEX "raffle_tickets_raffle_id_member_id_idx" ON "raffle_tickets"("raffle_id", "member_id");

-- CreateIndex
CREATE UNIQUE INDEX "raffle_tickets_raffle_id_number_key" ON "raffle_tickets"("raffle_id", "number");

-- AddForeignKey
ALTER TABLE "gift_requests" ADD CONSTRAINT "gift_requests_gift_id_fkey" FOREIGN KEY ("gift_id") REFERENCES "gifts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vouchers" ADD CONSTRAINT "vouchers_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "voucher_campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "voucher_redemptions" ADD CONSTRAINT "voucher_redemptions_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "voucher_campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "raffle_tickets" ADD CONSTRAINT "raffle_tickets_raffle_id_fkey" FOREIGN KEY ("raffle_id") REFERENCES "raffles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ───────────── Hand-written ─────────────
ALTER TABLE "wheel_prizes" ADD CONSTRAINT "wheel_prizes_stock_non_negative" CHECK ("remaining" IS NULL OR "remaining" >= 0);
ALTER TABLE "wheel_prizes" ADD CONSTRAINT "wheel_prizes_weight_positive" CHECK ("weight" > 0);
ALTER TABLE "gifts" ADD CONSTRAINT "gifts_stock_non_negative" CHECK ("remaining" IS NULL OR "remaining" >= 0);
ALTER TABLE "gifts" ADD CONSTRAINT "gifts_cost_non_negative" CHECK ("cost" >= 0);
ALTER TABLE "voucher_redemptions" ADD CONSTRAINT "voucher_redemptions_discount_non_negative" CHECK ("discount" >= 0);
