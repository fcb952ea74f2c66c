-- AlterTable
ALTER TABLE "broadcast_deliveries" ADD COLUMN     "channel" "channel" NOT NULL DEFAULT 'telegram';

-- AlterTable
ALTER TABLE "merchants" ADD COLUMN     "whatsapp_number" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "merchants_whatsapp_number_key" ON "merchants"("whatsapp_number");
