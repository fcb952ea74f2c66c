-- CreateEnum
CREATE TYPE "ticket_status" AS ENUM ('open', 'answered', 'closed');

-- CreateTable
CREATE TABLE "surveys" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "questions" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "surveys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "survey_responses" (
    "id" UUID NOT NULL,
    "survey_id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "subject" TEXT NOT NULL DEFAULT '',
    "branch" TEXT,
    "ask_nps" BOOLEAN NOT NULL DEFAULT false,
    "answers" JSONB NOT NULL DEFAULT '{}',
    "rating" INTEGER,
    "nps" INTEGER,
    "comment" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "survey_responses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tickets" (
    "id" UUID NOT NULL,
    "merchant_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "status" "ticket_status" NOT NULL DEFAULT 'open',
    "branch" TEXT,
    "source" TEXT NOT NULL DEFAULT 'member',
    "response_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "first_response_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ticket_messages" (
    "id" BIGSERIAL NOT NULL,
    "ticket_id" UUID NOT NULL,
    "author" TEXT NOT NULL,
    "operator_id" UUID,
    "text" TEXT NOT NULL,
    "photo" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ticket_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbox_messages" (
    "id" BIGSERIAL NOT NULL,
    "merchant_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "surveys_merchant_id_kind_idx" ON "surveys"("merchant_id", "kind");

-- CreateIndex
CREATE INDEX "survey_responses_merchant_id_created_at_idx" ON "survey_responses"("merchant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "survey_responses_survey_id_member_id_subject_key" ON "survey_responses"("survey_id", "member_id", "subject");

-- CreateIndex
CREATE INDEX "tickets_merchant_id_status_idx" ON "tickets"("merchant_id", "status");

-- CreateIndex
CREATE INDEX "tickets_member_id_idx" ON "tickets"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_merchant_id_number_key" ON "tickets"("merchant_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_response_id_key" ON "tickets"("response_id");

-- CreateIndex
CREATE INDEX "ticket_messages_ticket_id_id_idx" ON "ticket_messages"("ticket_id", "id");

-- CreateIndex
CREATE INDEX "inbox_messages_member_id_id_idx" ON "inbox_messages"("member_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "inbox_messages_member_id_source_key" ON "inbox_messages"("member_id", "source");

-- AddForeignKey
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_survey_id_fkey" FOREIGN KEY ("survey_id") REFERENCES "surveys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ticket_messages" ADD CONSTRAINT "ticket_messages_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
