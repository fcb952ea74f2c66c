-- CreateTable
CREATE TABLE "short_links" (
    "code" TEXT NOT NULL,
    "merchant_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "short_links_pkey" PRIMARY KEY ("code")
);

-- CreateIndex
CREATE INDEX "short_links_merchant_id_idx" ON "short_links"("merchant_id");

-- AddForeignKey
ALTER TABLE "short_links" ADD CONSTRAINT "short_links_merchant_id_fkey" FOREIGN KEY ("merchant_id") REFERENCES "merchants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
