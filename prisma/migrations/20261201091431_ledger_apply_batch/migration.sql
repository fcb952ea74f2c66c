-- Copied from prisma/functions/bashgah_ledger_apply_batch.sql by npm run db:migration: edit that file, not this copy.
CREATE OR REPLACE FUNCTION bashgah_ledger_apply_batch(p_calls jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  c jsonb;
  r jsonb;
  v_out jsonb[] := '{}';
  v_state text;
  v_message text;
  v_detail text;
  v_constraint text;
BEGIN
  FOR c IN SELECT value FROM jsonb_array_elements(p_calls) LOOP
    BEGIN
      r := jsonb_build_object('out', bashgah_ledger_apply((c->>0)::uuid, (c->>1)::uuid, c->>2, c->>3, c->>4, c->>5, c->6, c->7));
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL,
        v_constraint = CONSTRAINT_NAME;
      r := jsonb_build_object('error', jsonb_build_object('code', v_state, 'message', v_message,
        'detail', nullif(v_detail, ''), 'constraint', nullif(v_constraint, '')));
    END;
    v_out := v_out || r;
  END LOOP;
  RETURN to_jsonb(v_out);
END $$;
