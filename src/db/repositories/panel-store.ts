import type pg from 'pg';
import type { ClubFigures, LedgerExportRow, MemberSearch, PanelStore } from '../../domain/admin/panel-service.js';
import type { Currency } from '../../domain/ledger/types.js';
import { MEMBER_COLUMNS, rowToMember } from './member-store.js';

/** The web panel's figures, member search and export pages. */
export class PgPanelStore implements PanelStore {
  constructor(private readonly pool: pg.Pool) {}

  async clubFigures(merchantId: string, from: Date, to: Date): Promise<ClubFigures> {
    const [active, revenue, nps, tickets] = await Promise.all([
      this.pool.query(
        // GROUP BY hashes in memory where count(DISTINCT) sorts (and spills to disk on a big month).
        'SELECT count(*)::int AS n FROM (SELECT member_id FROM ledger_entries WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY member_id) a',
        [merchantId, from, to],
      ),
      this.pool.query(
        `SELECT coalesce(sum(amount - refunded_amount), 0)::text AS revenue FROM purchases
         WHERE merchant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND NOT member_was_pending`,
        [merchantId, from, to],
      ),
      this.pool.query(
        `SELECT count(r.nps)::int AS answers, count(*) FILTER (WHERE r.nps >= 9)::int AS promoters, count(*) FILTER (WHERE r.nps <= 6)::int AS detractors
         FROM survey_responses r WHERE r.merchant_id = $1 AND r.created_at >= $2 AND r.created_at < $3 AND r.nps IS NOT NULL`,
        [merchantId, from, to],
      ),
      this.pool.query(
        'SELECT count(*)::int AS n FROM tickets WHERE merchant_id = $1 AND created_at < $2 AND (closed_at IS NULL OR closed_at >= $2)',
        [merchantId, to],
      ),
    ]);
    const n = nps.rows[0];
    return {
      activeMembers: active.rows[0].n,
      revenueInfluenced: Number(revenue.rows[0].revenue),
      npsAnswers: n.answers,
      nps: n.answers ? Math.round(((n.promoters - n.detractors) / n.answers) * 100) : null,
      openTickets: tickets.rows[0].n,
    };
  }

  async searchMembers(merchantId: string, q: MemberSearch) {
    const { rows } = await this.pool.query(
      `SELECT ${MEMBER_COLUMNS} FROM members m
       WHERE m.merchant_id = $1 AND (m.phone = $2 OR m.member_code = $3 OR m.phone LIKE '%' || $4 || '%'
         OR (m.first_name || ' ' || coalesce(m.last_name, '')) ILIKE '%' || $5 || '%' OR m.last_name ILIKE '%' || $5 || '%')
       ORDER BY m.joined_at DESC NULLS LAST, m.created_at DESC LIMIT $6`,
      [merchantId, q.phone ?? null, q.memberCode ?? null, q.phoneDigits ?? null, q.name?.replace(/[\\%_]/g, '\\$&') ?? null, q.limit],
    );
    return rows.map(rowToMember);
  }

  async exportMembers(merchantId: string, after: string | undefined, limit: number) {
    const { rows } = await this.pool.query(
      `SELECT ${MEMBER_COLUMNS} FROM members m WHERE m.merchant_id = $1 AND ($2::uuid IS NULL OR m.id > $2) ORDER BY m.id LIMIT $3`,
      [merchantId, after ?? null, limit],
    );
    return { rows: rows.map(rowToMember), next: rows.length === limit ? (rows[rows.length - 1].id as string) : undefined };
  }

  async exportLedger(merchantId: string, after: string | undefined, limit: number) {
    const { rows } = await this.pool.query(
      `SELECT e.id, e.created_at, m.member_code, m.phone, e.currency, e.amount::text, e.balance_after::text, e.reason, e.ref_type, e.actor
       FROM ledger_entries e JOIN members m ON m.id = e.member_id
       WHERE e.merchant_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $3`,
      [merchantId, after ?? 0, limit],
    );
    const out: LedgerExportRow[] = rows.map((r) => ({
      id: Number(r.id),
      createdAt: r.created_at,
      memberCode: r.member_code,
      phone: r.phone,
      currency: r.currency as Currency,
      amount: Number(r.amount),
      balanceAfter: Number(r.balance_after),
      reason: r.reason,
      refType: r.ref_type,
      actor: r.actor,
    }));
    return { rows: out, next: rows.length === limit ? String(out[out.length - 1]!.id) : undefined };
  }
}
