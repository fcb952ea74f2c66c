import type pg from 'pg';
import type { DueBucket, ExpiryStore } from '../../domain/ledger/expiry-service.js';
import type { TierReviewStore } from '../../domain/tiers/tier-review.js';

export class PgExpiryStore implements ExpiryStore, TierReviewStore {
  constructor(private readonly pool: pg.Pool) {}

  async dueBuckets(now: Date, limit: number, afterId: number): Promise<DueBucket[]> {
    const { rows } = await this.pool.query(
      `SELECT id, merchant_id, member_id, currency, remaining FROM earn_buckets
       WHERE expires_at <= $1 AND remaining > 0 AND id > $3 ORDER BY id LIMIT $2`,
      [now, limit, afterId],
    );
    return rows.map((r) => ({
      bucketId: Number(r.id),
      merchantId: r.merchant_id,
      memberId: r.member_id,
      currency: r.currency,
      remaining: Number(r.remaining),
    }));
  }

  async remindExpiring(merchantId: string, now: Date, daysBefore: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `WITH due AS (
         UPDATE earn_buckets SET reminder_sent_at = $2
         WHERE merchant_id = $1 AND remaining > 0 AND reminder_sent_at IS NULL AND expires_at IS NOT NULL
           AND expires_at > $2 AND expires_at <= $2 + make_interval(days => $3)
         RETURNING member_id, currency, remaining, expires_at)
       INSERT INTO outbox_events (merchant_id, type, payload)
       SELECT $1, 'balance.expiring', jsonb_build_object('member_id', member_id, 'currency', currency,
              'amount', sum(remaining), 'expires_at', min(expires_at))
       FROM due GROUP BY member_id, currency`,
      [merchantId, now, daysBefore],
    );
    return rowCount ?? 0;
  }

  async merchantIds(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM merchants ORDER BY created_at');
    return rows.map((r) => r.id);
  }

  async downgrade(
    merchantId: string,
    tiers: { window_days: number | null; levels: { key: string; threshold: number }[] },
    day: string,
  ): Promise<number> {
    const { rowCount } = await this.pool.query(
      `WITH levels AS (
         SELECT l->>'key' AS key, (l->>'threshold')::bigint AS threshold, i
         FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(l, i)),
       target AS (
         SELECT m.id, m.tier AS old_tier,
           (SELECT key FROM levels WHERE threshold <= (
              CASE WHEN $3::int IS NULL THEN m.points_earned_total
                   ELSE coalesce((SELECT sum(d.tier_points) FROM member_earning_days d
                                  WHERE d.member_id = m.id AND d.day > $4::date - $3::int), 0) END)
            ORDER BY threshold DESC LIMIT 1) AS new_tier
         FROM members m WHERE m.merchant_id = $1 AND m.status <> 'blocked'),
       down AS (
         UPDATE members m SET tier = t.new_tier, tier_changed_at = now(), updated_at = now()
         FROM target t
         WHERE m.id = t.id AND m.tier = t.old_tier AND t.new_tier IS NOT NULL
           AND (SELECT i FROM levels WHERE key = t.new_tier) < coalesce((SELECT i FROM levels WHERE key = t.old_tier), 2147483647)
         RETURNING m.id, t.old_tier, t.new_tier)
       INSERT INTO outbox_events (merchant_id, type, payload)
       SELECT $1, 'tier.changed', jsonb_build_object('member_id', id, 'from', old_tier, 'to', new_tier, 'direction', 'down') FROM down`,
      [merchantId, JSON.stringify(tiers.levels), tiers.window_days, day],
    );
    return rowCount ?? 0;
  }
}
