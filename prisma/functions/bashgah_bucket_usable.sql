-- Source of this function: edit here, then `npm run db:migration -- <name>` copies the statement
-- into a new migration (test/db/migrations.test.ts fails CI until you do).
-- Is a bucket with these restrictions (gift credit limits) usable for this spend?
CREATE OR REPLACE FUNCTION bashgah_bucket_usable(r jsonb, ctx jsonb, tags text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT r IS NULL OR r = '{}'::jsonb OR (
    (NOT r ? 'branches' OR (ctx ? 'branch' AND r->'branches' ? (ctx->>'branch')))
    AND (NOT r ? 'categories' OR (
      jsonb_array_length(coalesce(ctx->'categories', '[]'::jsonb)) > 0
      AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(ctx->'categories') c WHERE NOT r->'categories' ? c)))
    AND (NOT r ? 'groups' OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(r->'groups') g WHERE g = ANY(tags)))
  )
$$;
