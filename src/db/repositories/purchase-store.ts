import type pg from 'pg';
import type { PurchaseStore, StoredPurchase } from '../../domain/purchases/types.js';

const COLUMNS = `id, member_id, order_id, amount, refunded_amount, awarded_points, awarded_coins, awarded_credit,
  reversed_points, reversed_coins, reversed_credit, award_entries, branch, occurred_at`;

function toPurchase(r: Record<string, unknown>): StoredPurchase {
  return {
    id: r.id as string,
    memberId: r.member_id as string,
    orderId: r.order_id as string,
    branch: r.branch as string | null,
    occurredAt: r.occurred_at as Date,
    amount: Number(r.amount),
    refundedAmount: Number(r.refunded_amount),
    awarded: { points: Number(r.awarded_points), coins: Number(r.awarded_coins), credit: Number(r.awarded_credit) },
    reversed: { points: Number(r.reversed_points), coins: Number(r.reversed_coins), credit: Number(r.reversed_credit) },
    awardEntries: Object.fromEntries(Object.entries(r.award_entries as Record<string, string | number>).map(([k, v]) => [k, Number(v)])),
  };
}

export class PgPurchaseStore implements PurchaseStore {
  constructor(private readonly pool: pg.Pool) {}

  async findByOrderId(merchantId: string, orderId: string): Promise<StoredPurchase | null> {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM purchases WHERE merchant_id = $1 AND order_id = $2`, [
      merchantId,
      orderId,
    ]);
    return rows[0] ? toPurchase(rows[0]) : null;
  }

  async recentForMember(merchantId: string, memberId: string, limit: number): Promise<StoredPurchase[]> {
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS} FROM purchases WHERE member_id = $2 AND merchant_id = $1 ORDER BY occurred_at DESC LIMIT $3`,
      [merchantId, memberId, limit],
    );
    return rows.map(toPurchase);
  }
}
