import type pg from 'pg';
import type { CommissionRow, StaffStore } from '../../domain/staff/staff-service.js';

export class PgStaffStore implements StaffStore {
  constructor(private readonly pool: pg.Pool) {}

  async ensureStaff(merchantId: string, code: string) {
    await this.pool.query(
      'INSERT INTO staff_members (id, merchant_id, code) VALUES (gen_random_uuid(), $1, $2) ON CONFLICT (merchant_id, code) DO NOTHING',
      [merchantId, code],
    );
  }

  async upsertStaff(merchantId: string, code: string, name: string | null) {
    const { rows } = await this.pool.query(
      `INSERT INTO staff_members (id, merchant_id, code, name) VALUES (gen_random_uuid(), $1, $2, $3)
       ON CONFLICT (merchant_id, code) DO UPDATE SET name = EXCLUDED.name RETURNING code, name`,
      [merchantId, code, name],
    );
    return rows[0];
  }

  async listStaff(merchantId: string) {
    const { rows } = await this.pool.query('SELECT code, name, created_at FROM staff_members WHERE merchant_id = $1 ORDER BY code', [
      merchantId,
    ]);
    return rows.map((r) => ({ code: r.code, name: r.name, createdAt: r.created_at }));
  }

  async record(merchantId: string, row: CommissionRow) {
    const { rowCount } = await this.pool.query(
      `INSERT INTO staff_commissions (merchant_id, staff_code, order_id, key, sale, amount, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (merchant_id, key) DO NOTHING`,
      [merchantId, row.staffCode, row.orderId, row.key, row.sale, row.amount, row.at],
    );
    return (rowCount ?? 0) > 0;
  }

  async forOrder(merchantId: string, orderId: string) {
    const { rows } = await this.pool.query(
      `SELECT p.staff_code, p.sale, p.amount,
              coalesce(-sum(r.sale), 0)::bigint AS refunded_sale, coalesce(-sum(r.amount), 0)::bigint AS reversed
       FROM staff_commissions p LEFT JOIN staff_commissions r ON r.merchant_id = p.merchant_id AND r.order_id = p.order_id AND r.key LIKE 'refund:%'
       WHERE p.merchant_id = $1 AND p.key = 'purchase:' || $2
       GROUP BY p.id`,
      [merchantId, orderId],
    );
    const r = rows[0];
    return r
      ? {
          staffCode: r.staff_code,
          sale: Number(r.sale),
          amount: Number(r.amount),
          refundedSale: Number(r.refunded_sale),
          reversed: Number(r.reversed),
        }
      : null;
  }

  async report(merchantId: string, from: Date, to: Date) {
    const { rows } = await this.pool.query(
      `SELECT s.code, s.name,
              count(c.id) FILTER (WHERE c.key LIKE 'purchase:%')::int AS purchases,
              coalesce(sum(c.sale), 0)::bigint AS sales, coalesce(sum(c.amount), 0)::bigint AS commission
       FROM staff_members s LEFT JOIN staff_commissions c ON c.merchant_id = s.merchant_id AND c.staff_code = s.code AND c.created_at >= $2 AND c.created_at < $3
       WHERE s.merchant_id = $1 GROUP BY s.code, s.name ORDER BY commission DESC, s.code`,
      [merchantId, from, to],
    );
    return rows.map((r) => ({
      staffCode: r.code,
      name: r.name,
      purchases: r.purchases,
      sales: Number(r.sales),
      commission: Number(r.commission),
    }));
  }
}
