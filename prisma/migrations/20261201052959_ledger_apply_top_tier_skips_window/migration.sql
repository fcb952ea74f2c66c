-- Copied from prisma/functions/bashgah_ledger_apply.sql by npm run db:migration: edit that file, not this copy.
CREATE OR REPLACE FUNCTION bashgah_ledger_apply(
  p_merchant uuid, p_member uuid, p_key text, p_hash text, p_kind text, p_actor text,
  p_lines jsonb, p_options jsonb DEFAULT '{}'::jsonb
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_op bigint;
  v_lock bigint;
  li int;
  v_prev record;
  m record;
  line jsonb;
  b record;
  cur text;
  ci int;
  v_mode text;
  v_amount bigint;
  v_applied bigint;
  v_left bigint;
  v_take bigint;
  v_rec bigint;
  v_short bigint;
  v_capped boolean;
  v_entry bigint;
  v_eligible bigint;
  v_bucket_entry bigint;
  v_bal bigint[];
  v_debt bigint[];
  v_day_earned bigint[];
  v_day_delta bigint[] := ARRAY[0, 0, 0]::bigint[];
  v_awarded bigint[] := ARRAY[0, 0, 0]::bigint[];
  v_tier_points bigint := 0;
  v_day date := coalesce((p_options->>'day')::date, (now() AT TIME ZONE 'Asia/Tehran')::date);
  v_entries jsonb := '[]'::jsonb;
  v_lines jsonb := '[]'::jsonb;
  v_award_entries jsonb := '{}'::jsonb;
  v_shortfall jsonb := '{}'::jsonb;
  v_tier text;
  v_qualifying bigint;
  v_rank int;
  v_old_rank int;
  v_new_tier text;
  v_levels jsonb := p_options->'tiers'->'levels';
  v_result jsonb;
  v_purchase jsonb := p_options->'purchase';
  v_refund jsonb := p_options->'refund';
  v_purchase_id uuid;
  v_found int;
  ev jsonb;
BEGIN
  -- Same key at once: the second caller waits here until the first commits (then replays) or
  -- rolls back (then proceeds). The unique index on the key stays the last line of defence.
  -- (The try first is only cheaper: a plain expression, not a query; it waits when it must.)
  v_lock := hashtextextended(p_merchant::text || '/' || p_key, 0);
  IF NOT pg_try_advisory_xact_lock(v_lock) THEN
    PERFORM pg_advisory_xact_lock(v_lock);
  END IF;
  SELECT request_hash, result INTO v_prev FROM ledger_operations
  WHERE merchant_id = p_merchant AND idempotency_key = p_key;
  IF FOUND THEN
    IF v_prev.request_hash IS DISTINCT FROM p_hash THEN
      RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'idempotency_conflict',
        DETAIL = jsonb_build_object('idempotency_key', p_key)::text;
    END IF;
    RETURN jsonb_build_object('replayed', true, 'result', v_prev.result);
  END IF;
  v_op := nextval('ledger_operations_id_seq');

  -- The member by id, or (purchases) by phone or member code; nothing is written when a
  -- purchase names no member yet, or when its rules were evaluated for another tier.
  IF p_member IS NOT NULL THEN
    SELECT id, status, tier, tags, points, coins, credit, points_debt, coins_debt, credit_debt, points_earned_total, purchase_count, referrer_id
    INTO m FROM members WHERE id = p_member AND merchant_id = p_merchant
    FOR UPDATE;
  ELSIF p_options->'member' ? 'phone' THEN
    SELECT id, status, tier, tags, points, coins, credit, points_debt, coins_debt, credit_debt, points_earned_total, purchase_count, referrer_id
    INTO m FROM members WHERE merchant_id = p_merchant AND phone = p_options->'member'->>'phone'
    FOR UPDATE;
  ELSE
    SELECT id, status, tier, tags, points, coins, credit, points_debt, coins_debt, credit_debt, points_earned_total, purchase_count, referrer_id
    INTO m FROM members WHERE merchant_id = p_merchant AND member_code = p_options->'member'->>'member_code'
    FOR UPDATE;
  END IF;
  IF NOT FOUND THEN
    IF p_member IS NULL THEN
      RETURN jsonb_build_object('member_missing', true);
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'member_not_found',
      DETAIL = jsonb_build_object('member_id', p_member)::text;
  END IF;
  p_member := m.id;
  IF m.status = 'blocked' AND p_options ? 'purchase' THEN
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'member_blocked', DETAIL = jsonb_build_object('member_id', m.id)::text;
  END IF;
  IF p_options ? 'expected_tier' AND p_options->>'expected_tier' IS DISTINCT FROM m.tier THEN
    RETURN jsonb_build_object('tier_mismatch', true, 'tier', m.tier);
  END IF;
  v_bal := ARRAY[m.points, m.coins, m.credit];
  v_debt := ARRAY[m.points_debt, m.coins_debt, m.credit_debt];
  v_tier := m.tier;
  -- The day's earnings so far matter only to a line with a daily cap (purchases usually have none).
  IF jsonb_path_exists(p_lines, '$[*].daily_cap') THEN
    SELECT ARRAY[coalesce(d.points, 0), coalesce(d.coins, 0), coalesce(d.credit, 0)] INTO v_day_earned
    FROM (SELECT 1) one LEFT JOIN member_earning_days d ON d.member_id = p_member AND d.day = v_day;
  ELSE
    v_day_earned := ARRAY[0, 0, 0]::bigint[];
  END IF;

  -- A refund is checked against the purchase first: optimistic on what the caller read.
  IF v_refund IS NOT NULL THEN
    UPDATE purchases SET
      refunded_amount = refunded_amount + (v_refund->>'amount')::bigint,
      reversed_points = reversed_points + coalesce((v_refund->>'points')::bigint, 0),
      reversed_coins = reversed_coins + coalesce((v_refund->>'coins')::bigint, 0),
      reversed_credit = reversed_credit + coalesce((v_refund->>'credit')::bigint, 0)
    WHERE id = (v_refund->>'purchase_id')::uuid AND merchant_id = p_merchant
      AND refunded_amount = (v_refund->>'expected_refunded')::bigint
      AND refunded_amount + (v_refund->>'amount')::bigint <= amount;
    GET DIAGNOSTICS v_found = ROW_COUNT;
    IF v_found = 0 THEN
      IF EXISTS (SELECT 1 FROM purchases WHERE id = (v_refund->>'purchase_id')::uuid
                 AND refunded_amount + (v_refund->>'amount')::bigint > amount) THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'refund_exceeds_purchase',
          DETAIL = (SELECT jsonb_build_object('remaining', amount - refunded_amount) FROM purchases
                    WHERE id = (v_refund->>'purchase_id')::uuid)::text;
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'stale_purchase',
        DETAIL = jsonb_build_object('purchase_id', v_refund->>'purchase_id')::text;
    END IF;
  END IF;

  FOR li IN 0 .. jsonb_array_length(p_lines) - 1 LOOP
    line := p_lines->li;
    cur := line->>'currency';
    ci := CASE cur WHEN 'points' THEN 1 WHEN 'coins' THEN 2 WHEN 'credit' THEN 3 END;
    IF ci IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'invalid_currency', DETAIL = jsonb_build_object('currency', cur)::text;
    END IF;
    v_mode := line->>'mode';
    v_amount := (line->>'amount')::bigint;
    IF v_amount IS NULL OR v_amount < 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'invalid_amount', DETAIL = jsonb_build_object('amount', line->'amount')::text;
    END IF;
    v_applied := 0; v_short := 0; v_capped := false; v_entry := NULL; v_rec := 0;

    IF v_mode = 'earn' THEN
      IF line ? 'daily_cap' AND v_day_earned[ci] + v_amount > (line->>'daily_cap')::bigint THEN
        v_amount := greatest(0, (line->>'daily_cap')::bigint - v_day_earned[ci]);
        v_capped := true;
      END IF;
      IF v_amount > 0 THEN
        v_applied := v_amount;
        v_bal[ci] := v_bal[ci] + v_amount;
        INSERT INTO ledger_entries (merchant_id, member_id, operation_id, currency, amount, balance_after, reason, ref_type, ref_id, actor)
        VALUES (p_merchant, p_member, v_op, cur::currency, v_amount, v_bal[ci], line->>'reason', line->>'ref_type', line->>'ref_id', p_actor)
        RETURNING id INTO v_entry;
        v_entries := v_entries || jsonb_build_object('id', v_entry, 'currency', cur, 'amount', v_amount, 'balance_after', v_bal[ci], 'reason', line->>'reason');
        v_award_entries := v_award_entries || jsonb_build_object(cur, v_entry);
        v_awarded[ci] := v_awarded[ci] + v_amount;
        v_bucket_entry := v_entry;
        v_rec := least(v_debt[ci], v_amount);
        IF v_rec > 0 THEN
          v_debt[ci] := v_debt[ci] - v_rec;
          v_bal[ci] := v_bal[ci] - v_rec;
          INSERT INTO ledger_entries (merchant_id, member_id, operation_id, currency, amount, balance_after, reason, ref_type, ref_id, actor)
          VALUES (p_merchant, p_member, v_op, cur::currency, -v_rec, v_bal[ci], 'debt_recovery', line->>'ref_type', line->>'ref_id', p_actor)
          RETURNING id INTO v_entry;
          v_entries := v_entries || jsonb_build_object('id', v_entry, 'currency', cur, 'amount', -v_rec, 'balance_after', v_bal[ci], 'reason', 'debt_recovery');
        END IF;
        IF v_amount - v_rec > 0 THEN
          INSERT INTO earn_buckets (merchant_id, member_id, currency, entry_id, amount, remaining, expires_at, restrictions)
          VALUES (p_merchant, p_member, cur::currency, v_bucket_entry, v_amount - v_rec, v_amount - v_rec,
                  (line->>'expires_at')::timestamptz, nullif(line->'restrictions', 'null'::jsonb));
        END IF;
        v_day_earned[ci] := v_day_earned[ci] + v_amount;
        v_day_delta[ci] := v_day_delta[ci] + v_amount;
        IF ci = 1 AND coalesce((line->>'counts_for_tier')::boolean, true) THEN
          v_tier_points := v_tier_points + v_amount;
        END IF;
      END IF;

    ELSIF v_mode = 'spend' THEN
      SELECT coalesce(sum(remaining), 0) INTO v_eligible FROM earn_buckets
      WHERE member_id = p_member AND currency = cur::currency AND remaining > 0
        AND bashgah_bucket_usable(restrictions, coalesce(line->'context', '{}'::jsonb), m.tags);
      IF v_eligible < v_amount OR v_bal[ci] < v_amount THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'insufficient_balance',
          DETAIL = jsonb_build_object('currency', cur, 'requested', v_amount, 'balance', v_bal[ci], 'usable', least(v_eligible, v_bal[ci]))::text;
      END IF;
      v_left := v_amount;
      FOR b IN SELECT id, remaining FROM earn_buckets
               WHERE member_id = p_member AND currency = cur::currency AND remaining > 0
                 AND bashgah_bucket_usable(restrictions, coalesce(line->'context', '{}'::jsonb), m.tags)
               ORDER BY expires_at ASC NULLS LAST, id ASC LOOP
        EXIT WHEN v_left = 0;
        v_take := least(b.remaining, v_left);
        UPDATE earn_buckets SET remaining = remaining - v_take WHERE id = b.id;
        v_left := v_left - v_take;
      END LOOP;
      IF v_amount > 0 THEN
        v_applied := v_amount;
        v_bal[ci] := v_bal[ci] - v_amount;
        INSERT INTO ledger_entries (merchant_id, member_id, operation_id, currency, amount, balance_after, reason, ref_type, ref_id, actor)
        VALUES (p_merchant, p_member, v_op, cur::currency, -v_amount, v_bal[ci], line->>'reason', line->>'ref_type', line->>'ref_id', p_actor)
        RETURNING id INTO v_entry;
        v_entries := v_entries || jsonb_build_object('id', v_entry, 'currency', cur, 'amount', -v_amount, 'balance_after', v_bal[ci], 'reason', line->>'reason');
      END IF;

    ELSIF v_mode = 'reverse' THEN
      -- Take back what is there (the purchase's own bucket first); the rest becomes debt.
      v_left := least(v_amount, v_bal[ci]);
      FOR b IN SELECT id, remaining FROM earn_buckets
               WHERE member_id = p_member AND currency = cur::currency AND remaining > 0
               ORDER BY (entry_id IS NOT DISTINCT FROM (line->>'source_entry')::bigint) DESC, expires_at ASC NULLS LAST, id ASC LOOP
        EXIT WHEN v_left = 0;
        v_take := least(b.remaining, v_left);
        UPDATE earn_buckets SET remaining = remaining - v_take WHERE id = b.id;
        v_left := v_left - v_take;
      END LOOP;
      v_applied := least(v_amount, v_bal[ci]) - v_left;
      v_short := v_amount - v_applied;
      v_bal[ci] := v_bal[ci] - v_applied;
      v_debt[ci] := v_debt[ci] + v_short;
      IF v_applied > 0 THEN
        INSERT INTO ledger_entries (merchant_id, member_id, operation_id, currency, amount, balance_after, reason, ref_type, ref_id, actor)
        VALUES (p_merchant, p_member, v_op, cur::currency, -v_applied, v_bal[ci], line->>'reason', line->>'ref_type', line->>'ref_id', p_actor)
        RETURNING id INTO v_entry;
        v_entries := v_entries || jsonb_build_object('id', v_entry, 'currency', cur, 'amount', -v_applied, 'balance_after', v_bal[ci], 'reason', line->>'reason');
      END IF;
      IF v_short > 0 THEN
        v_shortfall := v_shortfall || jsonb_build_object(cur, v_short);
      END IF;
      v_day_delta[ci] := v_day_delta[ci] - v_amount;
      IF ci = 1 AND coalesce((line->>'counts_for_tier')::boolean, true) THEN
        v_tier_points := v_tier_points - v_amount;
      END IF;

    ELSIF v_mode = 'expire' THEN
      SELECT id, remaining INTO b FROM earn_buckets
      WHERE id = (line->>'bucket_id')::bigint AND member_id = p_member AND currency = cur::currency;
      IF FOUND AND b.remaining > 0 THEN
        v_applied := least(b.remaining, v_bal[ci]);
        UPDATE earn_buckets SET remaining = remaining - v_applied WHERE id = b.id;
        v_bal[ci] := v_bal[ci] - v_applied;
        INSERT INTO ledger_entries (merchant_id, member_id, operation_id, currency, amount, balance_after, reason, ref_type, ref_id, actor)
        VALUES (p_merchant, p_member, v_op, cur::currency, -v_applied, v_bal[ci], coalesce(line->>'reason', 'expiry'), 'bucket', b.id::text, p_actor)
        RETURNING id INTO v_entry;
        v_entries := v_entries || jsonb_build_object('id', v_entry, 'currency', cur, 'amount', -v_applied, 'balance_after', v_bal[ci], 'reason', coalesce(line->>'reason', 'expiry'));
      END IF;
    ELSE
      RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'invalid_mode', DETAIL = jsonb_build_object('mode', v_mode)::text;
    END IF;

    v_lines := v_lines || jsonb_build_object('currency', cur, 'mode', v_mode, 'requested', (line->>'amount')::bigint,
      'applied', v_applied, 'recovered', v_rec, 'shortfall', v_short, 'capped', v_capped, 'entry_id', v_entry);
  END LOOP;

  -- points/coins/credit: all earnings of the day (daily caps); tier_points: only the lines that
  -- count toward tiers (the 12-month tier window sums these).
  IF v_day_delta <> ARRAY[0, 0, 0]::bigint[] OR v_tier_points <> 0 THEN
    INSERT INTO member_earning_days AS d (member_id, day, points, coins, credit, tier_points)
    VALUES (p_member, v_day, v_day_delta[1], v_day_delta[2], v_day_delta[3], v_tier_points)
    ON CONFLICT (member_id, day) DO UPDATE
      SET points = d.points + EXCLUDED.points, coins = d.coins + EXCLUDED.coins, credit = d.credit + EXCLUDED.credit,
          tier_points = d.tier_points + EXCLUDED.tier_points;
  END IF;

  -- Upgrades apply at once; downgrades are the scheduled job's business.
  -- A member already at the last level cannot go up: the window's sum is not read then.
  IF v_levels IS NOT NULL AND v_tier_points > 0 THEN
    v_old_rank := 0;
    FOR i IN 0 .. jsonb_array_length(v_levels) - 1 LOOP
      IF v_levels->i->>'key' = m.tier THEN v_old_rank := i + 1; END IF;
    END LOOP;
    IF v_old_rank < jsonb_array_length(v_levels) THEN
      IF (p_options->'tiers'->>'window_days') IS NULL THEN
        v_qualifying := m.points_earned_total + v_tier_points;
      ELSE
        SELECT coalesce(sum(tier_points), 0) INTO v_qualifying FROM member_earning_days
        WHERE member_id = p_member AND day > v_day - (p_options->'tiers'->>'window_days')::int;
      END IF;
      v_rank := 0;
      FOR i IN 0 .. jsonb_array_length(v_levels) - 1 LOOP
        IF (v_levels->i->>'threshold')::bigint <= v_qualifying THEN
          v_rank := i + 1;
          v_new_tier := v_levels->i->>'key';
        END IF;
      END LOOP;
      IF v_rank > v_old_rank THEN v_tier := v_new_tier; END IF;
    END IF;
  END IF;

  UPDATE members SET
    points = v_bal[1], coins = v_bal[2], credit = v_bal[3],
    points_debt = v_debt[1], coins_debt = v_debt[2], credit_debt = v_debt[3],
    points_earned_total = points_earned_total + v_tier_points,
    tier = v_tier,
    tier_changed_at = CASE WHEN v_tier <> m.tier THEN now() ELSE tier_changed_at END,
    purchase_count = purchase_count + CASE WHEN v_purchase IS NULL THEN 0 ELSE 1 END,
    purchase_total = purchase_total + coalesce((v_purchase->>'amount')::bigint, 0) - coalesce((v_refund->>'amount')::bigint, 0),
    first_purchase_at = CASE WHEN v_purchase IS NULL THEN first_purchase_at
                             ELSE least(coalesce(first_purchase_at, 'infinity'), (v_purchase->>'occurred_at')::timestamptz) END,
    last_purchase_at = CASE WHEN v_purchase IS NULL THEN last_purchase_at
                            ELSE greatest(coalesce(last_purchase_at, '-infinity'), (v_purchase->>'occurred_at')::timestamptz) END,
    updated_at = now()
  WHERE id = p_member;

  IF v_purchase IS NOT NULL THEN
    INSERT INTO purchases (id, merchant_id, member_id, order_id, amount, items, branch, occurred_at, voucher_code,
      staff_code, member_was_pending, awarded_points, awarded_coins, awarded_credit, award_entries, rules, operation_id)
    VALUES (coalesce((v_purchase->>'id')::uuid, gen_random_uuid()), p_merchant, p_member, v_purchase->>'order_id',
      (v_purchase->>'amount')::bigint, v_purchase->'items', v_purchase->>'branch', (v_purchase->>'occurred_at')::timestamptz,
      v_purchase->>'voucher_code', v_purchase->>'staff_code', m.status = 'pending',
      v_awarded[1], v_awarded[2], v_awarded[3],
      v_award_entries, coalesce(v_purchase->'rules', '[]'::jsonb), v_op)
    RETURNING id INTO v_purchase_id;
  END IF;

  IF v_refund IS NOT NULL THEN
    INSERT INTO refunds (id, merchant_id, purchase_id, refund_id, amount, items, reversed_points, reversed_coins, reversed_credit, shortfall, operation_id)
    VALUES (gen_random_uuid(), p_merchant, (v_refund->>'purchase_id')::uuid, v_refund->>'refund_id', (v_refund->>'amount')::bigint, v_refund->'items',
      coalesce((v_refund->>'points')::bigint, 0), coalesce((v_refund->>'coins')::bigint, 0), coalesce((v_refund->>'credit')::bigint, 0),
      v_shortfall, v_op);
  END IF;

  v_result := coalesce(p_options->'result', '{}'::jsonb) || jsonb_build_object(
    'operation_id', v_op,
    'member_id', p_member,
    'balances', jsonb_build_object('points', v_bal[1], 'coins', v_bal[2], 'credit', v_bal[3]),
    'debts', jsonb_build_object('points', v_debt[1], 'coins', v_debt[2], 'credit', v_debt[3]),
    'lines', v_lines,
    'shortfall', v_shortfall,
    'tier', v_tier,
    'previous_tier', m.tier,
    'member_status', m.status);
  IF v_purchase_id IS NOT NULL THEN
    v_result := v_result || jsonb_build_object('purchase_id', v_purchase_id);
  END IF;

  IF jsonb_array_length(v_entries) > 0 OR p_options ? 'event_type' THEN
    INSERT INTO outbox_events (merchant_id, type, payload) VALUES (p_merchant, coalesce(p_options->>'event_type', 'ledger.changed'), jsonb_build_object(
      'member_id', p_member, 'operation_id', v_op, 'kind', p_kind, 'actor', p_actor, 'entries', v_entries,
      'balances', v_result->'balances', 'shortfall', v_shortfall,
      'purchase_count', m.purchase_count + CASE WHEN v_purchase IS NULL THEN 0 ELSE 1 END,
      'referrer_id', m.referrer_id) || coalesce(p_options->'event', '{}'::jsonb));
  END IF;
  IF v_tier <> m.tier THEN
    INSERT INTO outbox_events (merchant_id, type, payload) VALUES (p_merchant, 'tier.changed',
      jsonb_build_object('member_id', p_member, 'from', m.tier, 'to', v_tier, 'direction', 'up'));
  END IF;
  FOR li IN 0 .. coalesce(jsonb_array_length(p_options->'events'), 0) - 1 LOOP
    ev := p_options->'events'->li;
    INSERT INTO outbox_events (merchant_id, type, payload)
    VALUES (p_merchant, ev->>'type', coalesce(ev->'payload', '{}'::jsonb) || jsonb_build_object('operation_id', v_op, 'balances', v_result->'balances'));
  END LOOP;

  INSERT INTO ledger_operations (id, merchant_id, member_id, idempotency_key, request_hash, kind, actor, result)
  VALUES (v_op, p_merchant, p_member, p_key, p_hash, p_kind, p_actor, v_result);
  RETURN jsonb_build_object('replayed', false, 'result', v_result);
END $$;
