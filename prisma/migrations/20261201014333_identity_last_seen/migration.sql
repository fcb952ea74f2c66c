-- AlterTable
ALTER TABLE "channel_identities" ADD COLUMN     "last_seen_at" TIMESTAMPTZ(3);
