import type pg from 'pg';
import type { AutomationKind, AutomationStore } from '../../domain/campaigns/automation-service.js';
import type { EventPayload } from '../../domain/events/catalog.js';

const ACTIVE = "m.status = 'active'";

export class PgAutomationStore implements AutomationStore {
  constructor(private readonly pool: pg.Pool) {}

  async merchantIds() {
    const { rows } = await this.pool.query("SELECT id FROM merchants WHERE settings ? 'automations' ORDER BY created_at");
    return rows.map((r) => r.id as string);
  }

  async bornOn(merchantId: string, monthDays: string[]) {
    const { rows } = await this.pool.query(
      `SELECT m.id, m.first_name, m.birth_date FROM members m WHERE m.merchant_id = $1 AND ${ACTIVE} AND to_char(m.birth_date, 'MM-DD') = ANY($2::text[])`,
      [merchantId, monthDays],
    );
    return rows.map((r) => ({ id: r.id, firstName: r.first_name, birthDate: r.birth_date }));
  }

  async lapsed(merchantId: string, before: Date, limit: number) {
    const { rows } = await this.pool.query(
      `SELECT m.id, m.first_name, m.last_purchase_at FROM members m
       WHERE m.merchant_id = $1 AND ${ACTIVE} AND NOT m.opted_out AND m.last_purchase_at < $2
         AND NOT EXISTS (SELECT 1 FROM automation_sends s WHERE s.merchant_id = m.merchant_id AND s.kind = 'win_back' AND s.member_id = m.id
                         AND s.period = 'lapse:' || to_char(m.last_purchase_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
       ORDER BY m.last_purchase_at LIMIT $3`,
      [merchantId, before, limit],
    );
    return rows.map((r) => ({ id: r.id, firstName: r.first_name, lastPurchaseAt: r.last_purchase_at }));
  }

  async joinedBetween(merchantId: string, from: Date, to: Date, step: string) {
    const { rows } = await this.pool.query(
      `SELECT m.id, m.first_name FROM members m
       WHERE m.merchant_id = $1 AND ${ACTIVE} AND NOT m.opted_out AND m.joined_at >= $2 AND m.joined_at < $3
         AND NOT EXISTS (SELECT 1 FROM automation_sends s WHERE s.merchant_id = m.merchant_id AND s.kind = 'welcome' AND s.member_id = m.id AND s.period = $4)`,
      [merchantId, from, to, step],
    );
    return rows.map((r) => ({ id: r.id, firstName: r.first_name }));
  }

  async claimAndAnnounce(
    merchantId: string,
    kind: AutomationKind,
    memberId: string,
    period: string,
    payload: EventPayload<'automation.message'>,
  ) {
    const { rows } = await this.pool.query(
      `WITH claimed AS (
         INSERT INTO automation_sends (merchant_id, kind, member_id, period) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING member_id
       )
       INSERT INTO outbox_events (merchant_id, type, payload) SELECT $1, 'automation.message', $5 FROM claimed RETURNING id`,
      [merchantId, kind, memberId, period, JSON.stringify(payload)],
    );
    return rows.length > 0;
  }
}
