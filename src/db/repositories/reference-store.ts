import type pg from 'pg';
import type { ReferenceKind, ReferenceStore } from '../../domain/references.js';

const TABLES: Record<ReferenceKind, string> = {
  voucher_campaign: 'voucher_campaigns',
  gift: 'gifts',
  survey: 'surveys',
  member: 'members',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PgReferenceStore implements ReferenceStore {
  constructor(private readonly pool: pg.Pool) {}

  async owned(merchantId: string, kind: ReferenceKind, ids: string[]): Promise<Set<string>> {
    const valid = ids.filter((id) => UUID.test(id));
    if (!valid.length) return new Set();
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id::text FROM ${TABLES[kind]} WHERE merchant_id = $1 AND id = ANY($2::uuid[])`,
      [merchantId, valid],
    );
    return new Set(rows.map((r) => r.id));
  }
}
