import type pg from 'pg';
import {
  DELIVERY_STATES,
  type Broadcast,
  type BroadcastStatus,
  type BroadcastStore,
  type DeliveryCounts,
  type DeliveryState,
} from '../../domain/campaigns/broadcast-service.js';
import type { Segment } from '../../domain/campaigns/segments.js';
import { isUuid } from './merchant-store.js';
import type { ChannelName } from '../../domain/members/types.js';
import { reachableOn, segmentWhere } from './segment-sql.js';

const COLUMNS =
  'id, merchant_id, campaign_id, status, schedule_at, recipients, held_out, created_by, created_at, started_at, finished_at, progress_chat_id, progress_message_id, progress_locale';

function toBroadcast(r: Record<string, unknown>): Broadcast {
  return {
    id: r.id as string,
    merchantId: r.merchant_id as string,
    campaignId: r.campaign_id as string,
    status: r.status as BroadcastStatus,
    scheduleAt: r.schedule_at as Date | null,
    recipients: r.recipients as number,
    heldOut: r.held_out as number,
    createdBy: r.created_by as string,
    createdAt: r.created_at as Date,
    startedAt: r.started_at as Date | null,
    finishedAt: r.finished_at as Date | null,
    progress: r.progress_chat_id
      ? { chatId: r.progress_chat_id as string, messageId: r.progress_message_id as number, locale: (r.progress_locale as string) ?? 'fa' }
      : null,
  };
}

/** What the sender needs for one delivery, in one query. */
export interface DeliveryContext {
  state: DeliveryState;
  attempts: number;
  broadcastStatus: BroadcastStatus;
  merchantId: string;
  campaignId: string;
  kind: 'message' | 'reward';
  message: { text: string; photoUrl?: string; linkLabel?: string; buttons?: { label: string; url: string }[] };
  reward: { currency: 'points' | 'coins' | 'credit'; amount: number; expiresInDays?: number } | { voucherCampaignId: string } | null;
  channel: ChannelName;
  chatId: string | null;
  member: { firstName: string | null; locale: string | null; points: number; coins: number };
}

export class PgBroadcastStore implements BroadcastStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(b: Parameters<BroadcastStore['create']>[0]) {
    const { rows } = await this.pool.query(
      `INSERT INTO broadcasts (id, merchant_id, campaign_id, schedule_at, created_by) VALUES (gen_random_uuid(), $1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [b.merchantId, b.campaignId, b.scheduleAt, b.createdBy],
    );
    return toBroadcast(rows[0]);
  }

  async get(merchantId: string, id: string) {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM broadcasts WHERE merchant_id = $1 AND id = $2`, [merchantId, id]);
    return rows[0] ? toBroadcast(rows[0]) : null;
  }

  async getAny(id: string) {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM broadcasts WHERE id = $1`, [id]);
    return rows[0] ? toBroadcast(rows[0]) : null;
  }

  async list(merchantId: string, limit: number) {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM broadcasts WHERE merchant_id = $1 ORDER BY created_at DESC LIMIT $2`, [
      merchantId,
      limit,
    ]);
    return rows.map(toBroadcast);
  }

  async forCampaign(merchantId: string, campaignId: string) {
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS} FROM broadcasts WHERE merchant_id = $1 AND campaign_id = $2 ORDER BY created_at DESC LIMIT 1`,
      [merchantId, campaignId],
    );
    return rows[0] ? toBroadcast(rows[0]) : null;
  }

  async transition(id: string, from: BroadcastStatus[], to: BroadcastStatus) {
    const { rowCount } = await this.pool.query(
      `UPDATE broadcasts SET status = $3::broadcast_status,
         started_at = CASE WHEN $3 = 'sending' THEN coalesce(started_at, now()) ELSE started_at END,
         finished_at = CASE WHEN $3 IN ('done', 'cancelled') THEN now() ELSE finished_at END
       WHERE id = $1 AND status = ANY($2::broadcast_status[])`,
      [id, from, to],
    );
    return (rowCount ?? 0) > 0;
  }

  async fanOut(b: Broadcast, segment: Segment, holdoutPercent: number, at: Date) {
    const { sql, params } = segmentWhere(segment, at);
    const bi = params.length + 2;
    // Telegram when the member is reachable there (and the club has a bot), else Bale, else WhatsApp (when the club is on it).
    await this.pool.query(
      `INSERT INTO broadcast_deliveries (broadcast_id, member_id, channel, state)
       SELECT $${bi}::uuid, m.id,
              CASE WHEN ${reachableOn('telegram')} THEN 'telegram' WHEN ${reachableOn('bale')} THEN 'bale' ELSE 'whatsapp' END::channel,
              CASE WHEN abs(hashtext(m.id::text || $${bi}::text)) % 100 < $${bi + 1} THEN 'held_out' ELSE 'pending' END::delivery_state
       FROM members m
       WHERE ${sql} AND (${reachableOn('telegram')} OR ${reachableOn('bale')} OR ${reachableOn('whatsapp')})
       ON CONFLICT DO NOTHING`,
      [b.merchantId, ...params, b.id, holdoutPercent],
    );
    const { rows } = await this.pool.query(
      `UPDATE broadcasts SET recipients = c.recipients, held_out = c.held_out, started_at = coalesce(started_at, now())
       FROM (SELECT count(*) FILTER (WHERE state <> 'held_out')::int AS recipients, count(*) FILTER (WHERE state = 'held_out')::int AS held_out
             FROM broadcast_deliveries WHERE broadcast_id = $1) c
       WHERE id = $1 RETURNING c.recipients, c.held_out`,
      [b.id],
    );
    return { recipients: rows[0].recipients as number, heldOut: rows[0].held_out as number };
  }

  async pendingMembers(broadcastId: string, after: string | null, limit: number) {
    const { rows } = await this.pool.query(
      "SELECT member_id, channel FROM broadcast_deliveries WHERE broadcast_id = $1 AND state = 'pending' AND ($2::uuid IS NULL OR member_id > $2) ORDER BY member_id LIMIT $3",
      [broadcastId, after, limit],
    );
    return rows.map((r) => ({ memberId: r.member_id as string, channel: r.channel as ChannelName }));
  }

  async counts(broadcastId: string): Promise<DeliveryCounts> {
    const { rows } = await this.pool.query(
      'SELECT state, count(*)::int AS n FROM broadcast_deliveries WHERE broadcast_id = $1 GROUP BY state',
      [broadcastId],
    );
    const out = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as DeliveryCounts;
    for (const r of rows) out[r.state as DeliveryState] = r.n;
    return out;
  }

  async remainingByChannel(broadcastId: string) {
    const { rows } = await this.pool.query(
      "SELECT channel, count(*)::int AS n FROM broadcast_deliveries WHERE broadcast_id = $1 AND state IN ('pending', 'sending') GROUP BY channel",
      [broadcastId],
    );
    const out: Partial<Record<ChannelName, number>> = {};
    for (const r of rows) out[r.channel as ChannelName] = r.n;
    return out;
  }

  async cancelPending(broadcastId: string) {
    const { rowCount } = await this.pool.query(
      "UPDATE broadcast_deliveries SET state = 'cancelled', updated_at = now() WHERE broadcast_id = $1 AND state = 'pending'",
      [broadcastId],
    );
    return rowCount ?? 0;
  }

  async setProgress(id: string, p: { chatId: string; messageId: number; locale: string }) {
    await this.pool.query('UPDATE broadcasts SET progress_chat_id = $2, progress_message_id = $3, progress_locale = $4 WHERE id = $1', [
      id,
      p.chatId,
      p.messageId,
      p.locale,
    ]);
  }

  async segmentOf(campaignId: string) {
    const { rows } = await this.pool.query('SELECT segment, holdout_percent FROM campaigns WHERE id = $1', [campaignId]);
    return rows[0] ? { segment: rows[0].segment, holdoutPercent: rows[0].holdout_percent as number } : null;
  }

  // ── the sender's side: one delivery at a time ──

  async deliveryContext(broadcastId: string, memberId: string): Promise<DeliveryContext | null> {
    const { rows } = await this.pool.query(
      `SELECT d.state, d.attempts, d.channel, b.status, b.merchant_id, c.id AS campaign_id, c.kind, c.message, c.reward,
              m.first_name, m.locale, m.points, m.coins,
              (SELECT ci.chat_id FROM channel_identities ci WHERE ci.member_id = m.id AND ci.channel = d.channel AND ci.chat_id IS NOT NULL AND ci.unreachable_at IS NULL LIMIT 1) AS chat_id
       FROM broadcast_deliveries d JOIN broadcasts b ON b.id = d.broadcast_id JOIN campaigns c ON c.id = b.campaign_id JOIN members m ON m.id = d.member_id
       WHERE d.broadcast_id = $1 AND d.member_id = $2`,
      [broadcastId, memberId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      state: r.state,
      attempts: r.attempts,
      broadcastStatus: r.status,
      merchantId: r.merchant_id,
      campaignId: r.campaign_id,
      kind: r.kind,
      message: r.message,
      reward: r.reward,
      channel: r.channel,
      chatId: r.chat_id,
      member: { firstName: r.first_name, locale: r.locale, points: Number(r.points), coins: Number(r.coins) },
    };
  }

  /** pending → sending, just before the call to Telegram; false if the row was not pending. */
  async claim(broadcastId: string, memberId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      "UPDATE broadcast_deliveries SET state = 'sending', attempts = attempts + 1, updated_at = now() WHERE broadcast_id = $1 AND member_id = $2 AND state = 'pending'",
      [broadcastId, memberId],
    );
    return (rowCount ?? 0) > 0;
  }

  /** sending → a final state, or back to pending (retryable error, 429). */
  async settle(broadcastId: string, memberId: string, state: DeliveryState, extra: { messageId?: number; error?: string } = {}) {
    await this.pool.query(
      `UPDATE broadcast_deliveries SET state = $3::delivery_state, message_id = coalesce($4, message_id), error = $5, updated_at = now(),
         sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END
       WHERE broadcast_id = $1 AND member_id = $2 AND state = 'sending'`,
      [broadcastId, memberId, state, extra.messageId ?? null, extra.error?.slice(0, 300) ?? null],
    );
  }

  /** A pending delivery that will not be sent (cancelled, no chat). */
  async skip(broadcastId: string, memberId: string, state: 'cancelled' | 'skipped') {
    await this.pool.query(
      "UPDATE broadcast_deliveries SET state = $3::delivery_state, updated_at = now() WHERE broadcast_id = $1 AND member_id = $2 AND state = 'pending'",
      [broadcastId, memberId, state],
    );
  }
}
