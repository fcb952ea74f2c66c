import type pg from 'pg';
import type { SpendOffers } from '../../chat/spend-offers.js';

export class PgSpendOffers implements SpendOffers {
  constructor(private readonly pool: pg.Pool) {}

  async offer(memberId: string, item: string, nonce: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO spend_offers (member_id, item, nonce) VALUES ($1, $2, $3) ON CONFLICT (member_id, item) DO UPDATE SET nonce = EXCLUDED.nonce, created_at = now()',
      [memberId, item, nonce],
    );
  }

  async isCurrent(memberId: string, item: string, nonce: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM spend_offers WHERE member_id = $1 AND item = $2 AND nonce = $3', [
      memberId,
      item,
      nonce,
    ]);
    return rowCount === 1;
  }
}
