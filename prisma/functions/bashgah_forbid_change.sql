-- Source of this function: edit here, then `npm run db:migration -- <name>` copies the statement
-- into a new migration (test/db/migrations.test.ts fails CI until you do).
-- Ledger rows are immutable (trigger ledger_entries_immutable, created in 20261123155534_members_ledger).
CREATE OR REPLACE FUNCTION bashgah_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries are immutable';
END $$;
