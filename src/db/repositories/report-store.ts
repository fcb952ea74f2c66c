import type pg from 'pg';
import type { Figures, FiguresSource } from '../../domain/admin/admin-service.js';

// Points taken back are no spends: expiry (its buckets), refunds, referral clawbacks, debt repaid.
const NOT_SPENDS = "('bucket', 'refund', 'referral_reversal')";

/** The merchant's day and month at a glance, from the purchases, members and ledger tables. */
export class PgReportStore implements FiguresSource {
  constructor(private readonly pool: pg.Pool) {}

  async figures(merchantId: string, from: Date, to: Date, branch: string | null = null): Promise<Figures> {
    const [p, m, l] = await Promise.all([
      this.pool.query(
        `SELECT count(*)::int AS purchases, coalesce(sum(amount - refunded_amount), 0)::text AS revenue, count(DISTINCT member_id)::int AS buyers,
                count(*) FILTER (WHERE refunded_amount > 0)::int AS refunds
         FROM purchases WHERE merchant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND ($4::text IS NULL OR branch = $4)`,
        [merchantId, from, to, branch],
      ),
      this.pool.query(
        "SELECT count(*)::int AS n FROM members WHERE merchant_id = $1 AND joined_at >= $2 AND joined_at < $3 AND status = 'active'",
        [merchantId, from, to],
      ),
      this.pool.query(
        `SELECT coalesce(sum(amount) FILTER (WHERE amount > 0), 0)::text AS issued, coalesce(-sum(amount) FILTER (WHERE amount < 0 AND reason NOT IN ('expiry', 'debt_recovery') AND coalesce(ref_type, '') NOT IN ${NOT_SPENDS}), 0)::text AS spent
         FROM ledger_entries WHERE merchant_id = $1 AND currency = 'points' AND created_at >= $2 AND created_at < $3`,
        [merchantId, from, to],
      ),
    ]);
    return {
      purchases: p.rows[0].purchases,
      revenue: Number(p.rows[0].revenue),
      buyers: p.rows[0].buyers,
      refunds: p.rows[0].refunds,
      newMembers: m.rows[0].n,
      pointsIssued: Number(l.rows[0].issued),
      pointsSpent: Number(l.rows[0].spent),
    };
  }
}
