-- CreateIndex
CREATE INDEX "members_merchant_id_status_joined_at_source_tag_idx" ON "members"("merchant_id", "status", "joined_at", "source_tag");

-- CreateIndex
CREATE INDEX "members_merchant_id_joined_at_idx" ON "members"("merchant_id", "joined_at");

-- CreateIndex
CREATE INDEX "members_merchant_id_first_purchase_at_idx" ON "members"("merchant_id", "first_purchase_at");
