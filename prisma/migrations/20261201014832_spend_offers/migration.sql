-- CreateTable
CREATE TABLE "spend_offers" (
    "member_id" UUID NOT NULL,
    "item" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "spend_offers_pkey" PRIMARY KEY ("member_id","item")
);

-- AddForeignKey
ALTER TABLE "spend_offers" ADD CONSTRAINT "spend_offers_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;
