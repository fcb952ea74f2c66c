import type pg from 'pg';
import type { Gift, GiftInput, GiftRequest, GiftRequestStatus, GiftStore } from '../../domain/rewards/gift-service.js';
import type { ApplyCommand } from '../../domain/ledger/types.js';
import type { PgLedgerStore } from '../ledger/pg-ledger-store.js';
import { inTransaction } from '../transaction.js';
import { isUuid } from './merchant-store.js';
import { insertEvent } from './outbox-store.js';

const GIFT_COLUMNS =
  'id, title, description, group_name, image_url, cost_currency, cost, remaining, visible_from, visible_to, tiers, groups, active, position';
const REQUEST_COLUMNS = `r.id, r.member_id, r.gift_id, g.title AS gift_title, r.status, r.cost_currency, r.cost, r.source, r.tracking_note, r.history, r.created_at, r.updated_at`;

function toGift(r: Record<string, unknown>): Gift {
  return {
    id: r.id as string,
    title: r.title as string,
    description: r.description as string | null,
    group: r.group_name as string | null,
    imageUrl: r.image_url as string | null,
    costCurrency: r.cost_currency as Gift['costCurrency'],
    cost: Number(r.cost),
    stock: r.remaining as number | null,
    visibleFrom: r.visible_from as Date | null,
    visibleTo: r.visible_to as Date | null,
    tiers: r.tiers as string[],
    groups: r.groups as string[],
    active: r.active as boolean,
    position: r.position as number,
  };
}

function toRequest(r: Record<string, unknown>): GiftRequest {
  return {
    id: r.id as string,
    memberId: r.member_id as string,
    giftId: r.gift_id as string,
    giftTitle: r.gift_title as string,
    status: r.status as GiftRequestStatus,
    costCurrency: r.cost_currency as GiftRequest['costCurrency'],
    cost: Number(r.cost),
    source: r.source as string,
    trackingNote: r.tracking_note as string | null,
    history: r.history as GiftRequest['history'],
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

export class PgGiftStore implements GiftStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: PgLedgerStore,
  ) {}

  async create(merchantId: string, g: GiftInput) {
    const { rows } = await this.pool.query(
      `INSERT INTO gifts (id, merchant_id, title, description, group_name, image_url, cost_currency, cost, remaining, visible_from, visible_to, tiers, groups, active, position)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::currency, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${GIFT_COLUMNS}`,
      [
        merchantId,
        g.title,
        g.description ?? null,
        g.group ?? null,
        g.imageUrl ?? null,
        g.costCurrency,
        g.cost,
        g.stock ?? null,
        g.visibleFrom ?? null,
        g.visibleTo ?? null,
        g.tiers ?? [],
        g.groups ?? [],
        g.active ?? true,
        g.position ?? 0,
      ],
    );
    return toGift(rows[0]);
  }

  async update(merchantId: string, id: string, g: Partial<GiftInput>) {
    if (!isUuid(id)) return null;
    const columns: Record<string, [string, unknown]> = {
      title: ['title', g.title],
      description: ['description', g.description],
      group: ['group_name', g.group],
      imageUrl: ['image_url', g.imageUrl],
      costCurrency: ['cost_currency', g.costCurrency],
      cost: ['cost', g.cost],
      stock: ['remaining', g.stock],
      visibleFrom: ['visible_from', g.visibleFrom],
      visibleTo: ['visible_to', g.visibleTo],
      tiers: ['tiers', g.tiers],
      groups: ['groups', g.groups],
      active: ['active', g.active],
      position: ['position', g.position],
    };
    const set = Object.entries(columns).filter(([key]) => key in g);
    if (!set.length) return this.get(merchantId, id);
    const { rows } = await this.pool.query(
      `UPDATE gifts SET ${set.map(([key, [col]], i) => `${col} = $${i + 3}${key === 'costCurrency' ? '::currency' : ''}`).join(', ')}
       WHERE merchant_id = $1 AND id = $2 RETURNING ${GIFT_COLUMNS}`,
      [merchantId, id, ...set.map(([, [, v]]) => v ?? null)],
    );
    return rows[0] ? toGift(rows[0]) : null;
  }

  async get(merchantId: string, id: string) {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${GIFT_COLUMNS} FROM gifts WHERE merchant_id = $1 AND id = $2`, [merchantId, id]);
    return rows[0] ? toGift(rows[0]) : null;
  }

  async list(merchantId: string, opts: { activeOnly: boolean }) {
    const { rows } = await this.pool.query(
      `SELECT ${GIFT_COLUMNS} FROM gifts WHERE merchant_id = $1 ${opts.activeOnly ? 'AND active' : ''} ORDER BY position, created_at`,
      [merchantId],
    );
    return rows.map(toGift);
  }

  request(i: { merchantId: string; memberId: string; gift: Gift; idempotencyKey: string; ledger: ApplyCommand }) {
    return inTransaction(this.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('gift:' || $1 || '/' || $2, 0))", [i.merchantId, i.idempotencyKey]);
      const seen = await client.query(
        `SELECT ${REQUEST_COLUMNS} FROM gift_requests r JOIN gifts g ON g.id = r.gift_id WHERE r.merchant_id = $1 AND r.idempotency_key = $2`,
        [i.merchantId, i.idempotencyKey],
      );
      if (seen.rows[0]) return { request: toRequest(seen.rows[0]), replayed: true };
      const stock = await client.query(
        'UPDATE gifts SET remaining = remaining - 1 WHERE id = $1 AND remaining IS NOT NULL AND remaining > 0 RETURNING remaining',
        [i.gift.id],
      );
      if (i.gift.stock !== null && !stock.rowCount) return 'out_of_stock' as const;
      if (i.ledger.lines.length) await this.ledger.applyIn(client, i.ledger);
      const { rows } = await client.query(
        `INSERT INTO gift_requests (id, merchant_id, member_id, gift_id, cost_currency, cost, idempotency_key, history)
         VALUES (gen_random_uuid(), $1, $2, $3, $4::currency, $5, $6, jsonb_build_array(jsonb_build_object('status', 'requested', 'at', now()))) RETURNING id`,
        [i.merchantId, i.memberId, i.gift.id, i.gift.costCurrency, i.gift.cost, i.idempotencyKey],
      );
      await insertEvent(client, i.merchantId, 'gift.requested', {
        member_id: i.memberId,
        request_id: rows[0].id,
        gift_id: i.gift.id,
        gift_title: i.gift.title,
      });
      const created = await client.query(
        `SELECT ${REQUEST_COLUMNS} FROM gift_requests r JOIN gifts g ON g.id = r.gift_id WHERE r.id = $1`,
        [rows[0].id],
      );
      return { request: toRequest(created.rows[0]), replayed: false };
    });
  }

  async requests(merchantId: string, f: { status?: GiftRequestStatus; memberId?: string; limit: number; before?: Date }) {
    const { rows } = await this.pool.query(
      `SELECT ${REQUEST_COLUMNS} FROM gift_requests r JOIN gifts g ON g.id = r.gift_id
       WHERE r.merchant_id = $1 AND ($2::gift_request_status IS NULL OR r.status = $2) AND ($3::uuid IS NULL OR r.member_id = $3) AND ($4::timestamptz IS NULL OR r.created_at < $4)
       ORDER BY r.created_at DESC LIMIT $5`,
      [merchantId, f.status ?? null, f.memberId ?? null, f.before ?? null, f.limit],
    );
    return rows.map(toRequest);
  }

  async requestById(merchantId: string, id: string) {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(
      `SELECT ${REQUEST_COLUMNS} FROM gift_requests r JOIN gifts g ON g.id = r.gift_id WHERE r.merchant_id = $1 AND r.id = $2`,
      [merchantId, id],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }

  transition(i: {
    merchantId: string;
    id: string;
    from: GiftRequestStatus[];
    to: GiftRequestStatus;
    note?: string;
    refund?: ApplyCommand;
  }) {
    if (!isUuid(i.id)) return Promise.resolve('wrong_status' as const);
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query(
        `UPDATE gift_requests SET status = $3::gift_request_status, updated_at = now(),
           tracking_note = CASE WHEN $3 = 'shipped' THEN coalesce($4, tracking_note) ELSE tracking_note END,
           history = history || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('status', $3, 'at', now(), 'note', $4::text)))
         WHERE merchant_id = $1 AND id = $2 AND status = ANY($5::gift_request_status[])
         RETURNING member_id, gift_id, source`,
        [i.merchantId, i.id, i.to, i.note ?? null, i.from],
      );
      if (!rows[0]) return 'wrong_status' as const;
      if (i.to === 'rejected') {
        if (i.refund) await this.ledger.applyIn(client, i.refund);
        // Catalog requests took one from the gift's stock; wheel prizes count against the wheel's.
        if (rows[0].source === 'catalog')
          await client.query('UPDATE gifts SET remaining = remaining + 1 WHERE id = $1 AND remaining IS NOT NULL', [rows[0].gift_id]);
      }
      const updated = toRequest(
        (await client.query(`SELECT ${REQUEST_COLUMNS} FROM gift_requests r JOIN gifts g ON g.id = r.gift_id WHERE r.id = $1`, [i.id]))
          .rows[0],
      );
      await insertEvent(client, i.merchantId, 'gift.status_changed', {
        member_id: updated.memberId,
        request_id: i.id,
        gift_title: updated.giftTitle,
        status: i.to,
        note: i.note ?? null,
        refunded: i.to === 'rejected' && i.refund ? { currency: updated.costCurrency, amount: updated.cost } : null,
      });
      return updated;
    });
  }
}
