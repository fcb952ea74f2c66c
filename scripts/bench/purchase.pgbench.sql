-- The bare-SQL reference of npm run bench:webhook: a minimal correct purchase in one
-- transaction (the member locked, the order unique, balance, ledger row and outbox row),
-- run by pgbench -M prepared. :merchant comes from -D; members are +98912000000 … +98912000999.
-- Its outbox rows are born published and fanned out: a worker running beside the benchmark must
-- neither relay them nor offer them to webhook endpoints (their payload is not a full event).
\set m random(0, 999)
\set amount random(100000, 590000)
BEGIN;
SELECT id AS member_id, points + :amount / 10000 AS balance FROM members
  WHERE merchant_id = :merchant AND phone = '+98912' || lpad(:m::text, 7, '0') FOR UPDATE \gset
INSERT INTO purchases (id, merchant_id, member_id, order_id, amount, occurred_at, awarded_points, operation_id)
  VALUES (gen_random_uuid(), :merchant, :member_id, 'pgbench-' || gen_random_uuid(), :amount, now(), :amount / 10000, 0);
UPDATE members SET points = :balance, purchase_count = purchase_count + 1, updated_at = now() WHERE id = :member_id;
INSERT INTO ledger_entries (merchant_id, member_id, operation_id, currency, amount, balance_after, reason, ref_type, actor)
  VALUES (:merchant, :member_id, 0, 'points', :amount / 10000, :balance, 'purchase', 'purchase', 'pgbench');
INSERT INTO outbox_events (merchant_id, type, payload, published_at, webhooks_at)
  VALUES (:merchant, 'purchase.recorded', jsonb_build_object('member_id', :member_id::text, 'amount', :amount::bigint), now(), now());
END;
