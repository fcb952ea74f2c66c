import type pg from 'pg';
import type { InboxMessage, InboxStore } from '../../domain/feedback/types.js';

export class PgInboxStore implements InboxStore {
  constructor(private readonly pool: pg.Pool) {}

  async add(m: Parameters<InboxStore['add']>[0]) {
    await this.pool.query(
      'INSERT INTO inbox_messages (merchant_id, member_id, kind, text, source) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (member_id, source) DO NOTHING',
      [m.merchantId, m.memberId, m.kind, m.text, m.source],
    );
  }

  async list(memberId: string, limit: number): Promise<InboxMessage[]> {
    const { rows } = await this.pool.query(
      'SELECT id, kind, text, created_at FROM inbox_messages WHERE member_id = $1 ORDER BY id DESC LIMIT $2',
      [memberId, limit],
    );
    return rows.map((r) => ({ id: Number(r.id), kind: r.kind, text: r.text, createdAt: r.created_at }));
  }
}
