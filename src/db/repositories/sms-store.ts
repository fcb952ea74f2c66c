import type pg from 'pg';
import type { NewSms, SmsRow, SmsState, SmsStore } from '../../domain/sms/sms-service.js';
import { isUuid } from './merchant-store.js';
import type { Segment } from '../../domain/campaigns/segments.js';
import { firstChannelSql, segmentWhere } from './segment-sql.js';
import { broadcastChannels } from '../../domain/campaigns/broadcast-service.js';
import { broadcastSenders } from './club-senders.js';

/** SMS that were handed to the provider on a day (the daily cap counts them, whatever became of them). */
const COUNTED = "('sending', 'sent', 'delivered', 'unknown')";

export class PgSmsStore implements SmsStore {
  constructor(private readonly pool: pg.Pool) {}

  async add(s: NewSms, at: Date) {
    const { rows } = await this.pool.query(
      `INSERT INTO sms_messages (id, merchant_id, member_id, phone, kind, key, text, parts, cost_rials, promotional, broadcast_id, created_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (merchant_id, key) DO NOTHING RETURNING id`,
      [s.merchantId, s.memberId, s.phone, s.kind, s.key, s.text, s.parts, s.costRials, s.promotional, s.broadcastId, at],
    );
    if (rows[0]) return { id: rows[0].id as string, created: true };
    const existing = await this.pool.query('SELECT id FROM sms_messages WHERE merchant_id = $1 AND key = $2', [s.merchantId, s.key]);
    return { id: existing.rows[0].id as string, created: false };
  }

  async get(id: string): Promise<SmsRow | null> {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(
      `SELECT s.*, coalesce(m.sms_opted_out, false) AS opted_out FROM sms_messages s LEFT JOIN members m ON m.id = s.member_id WHERE s.id = $1`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      merchantId: r.merchant_id,
      memberId: r.member_id,
      phone: r.phone,
      kind: r.kind,
      key: r.key,
      text: r.text,
      parts: r.parts,
      costRials: Number(r.cost_rials),
      promotional: r.promotional,
      broadcastId: r.broadcast_id,
      state: r.state,
      attempts: r.attempts,
      optedOut: r.opted_out,
    };
  }

  async claim(id: string, day: string, cap: number, provider: string, at: Date) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query('SELECT merchant_id, state FROM sms_messages WHERE id = $1', [id]);
      if (rows[0]?.state !== 'pending') {
        await client.query('ROLLBACK');
        return 'taken' as const;
      }
      await client.query("SELECT pg_advisory_xact_lock(hashtext('sms-cap:' || $1))", [rows[0].merchant_id]);
      const sent = await client.query(
        `SELECT count(*)::int AS n FROM sms_messages WHERE merchant_id = $1 AND sent_day = $2 AND state IN ${COUNTED}`,
        [rows[0].merchant_id, day],
      );
      if (sent.rows[0].n >= cap) {
        await client.query('ROLLBACK');
        return 'capped' as const;
      }
      const { rowCount } = await client.query(
        "UPDATE sms_messages SET state = 'sending', attempts = attempts + 1, sent_day = $2, provider = $3, sent_at = $4 WHERE id = $1 AND state = 'pending'",
        [id, day, provider, at],
      );
      await client.query('COMMIT');
      return rowCount ? ('claimed' as const) : ('taken' as const);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async settle(id: string, state: SmsState, f: { providerMessageId?: string; error?: string; at: Date }) {
    const { rows } = await this.pool.query(
      `UPDATE sms_messages SET state = $2::sms_state, provider_message_id = coalesce($3, provider_message_id), error = $4,
              sent_at = CASE WHEN $2 = 'sent' THEN $5 ELSE sent_at END,
              sent_day = CASE WHEN $2 IN ('pending', 'failed', 'skipped') THEN NULL ELSE sent_day END
       WHERE id = $1 RETURNING broadcast_id, member_id`,
      [id, state, f.providerMessageId ?? null, f.error ?? null, f.at],
    );
    if (state === 'failed' && rows[0]?.broadcast_id)
      await this.failBroadcastDelivery(rows[0].broadcast_id, rows[0].member_id, f.error ?? 'failed');
  }

  /** The broadcast's delivery row said `sent` when the SMS was queued; it did not go after all. */
  private async failBroadcastDelivery(broadcastId: string, memberId: string, error: string) {
    await this.pool.query(
      "UPDATE broadcast_deliveries SET state = 'failed', error = $3, updated_at = now() WHERE broadcast_id = $1 AND member_id = $2 AND state = 'sent'",
      [broadcastId, memberId, `sms: ${error}`],
    );
  }

  async awaitingReports(provider: string, since: Date, limit: number) {
    const { rows } = await this.pool.query(
      `SELECT id, provider_message_id FROM sms_messages
       WHERE state = 'sent' AND provider = $1 AND provider_message_id IS NOT NULL AND sent_at >= $2 ORDER BY sent_at LIMIT $3`,
      [provider, since, limit],
    );
    return rows.map((r) => ({ id: r.id as string, providerMessageId: r.provider_message_id as string }));
  }

  async report(provider: string, providerMessageId: string, state: 'delivered' | 'failed', detail: string, at: Date) {
    const { rows } = await this.pool.query(
      `UPDATE sms_messages SET state = $3::sms_state, reported_at = $4, error = CASE WHEN $3 = 'failed' THEN $5 ELSE error END
       WHERE provider = $1 AND provider_message_id = $2 AND state = 'sent' RETURNING broadcast_id, member_id`,
      [provider, providerMessageId, state, at, detail],
    );
    for (const r of rows) if (state === 'failed' && r.broadcast_id) await this.failBroadcastDelivery(r.broadcast_id, r.member_id, detail);
  }

  async stalePending(before: Date, limit: number) {
    const { rows } = await this.pool.query(
      "SELECT id FROM sms_messages WHERE state = 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2",
      [before, limit],
    );
    return rows.map((r) => r.id as string);
  }

  async countRecipients(merchantId: string, segment: Segment, at: Date) {
    const { sql, params } = segmentWhere(segment, at);
    // The fan-out's own choice (firstChannelSql): members whose broadcast would go by SMS.
    const allowed = await broadcastSenders(this.pool, merchantId, broadcastChannels(segment));
    const { rows } = await this.pool.query(
      `SELECT count(*) FILTER (WHERE ${firstChannelSql(`$${params.length + 2}`)} = 'sms')::int AS n FROM members m WHERE ${sql}`,
      [merchantId, ...params, allowed],
    );
    return rows[0].n as number;
  }

  async optOut(phone: string) {
    const { rowCount } = await this.pool.query(
      `UPDATE members SET sms_opted_out = true, updated_at = now()
       WHERE phone = $1 AND NOT sms_opted_out AND merchant_id IN (SELECT DISTINCT merchant_id FROM sms_messages WHERE phone = $1)`,
      [phone],
    );
    return rowCount ?? 0;
  }
}
