import type pg from 'pg';
import type { z } from 'zod';
import { generateCode } from '../../domain/members/codes.js';
import type { ApplyCommand } from '../../domain/ledger/types.js';
import type { VoucherCampaign } from '../../domain/rewards/voucher-rules.js';
import type { CampaignChange, campaignInputSchema, MemberVoucher, VoucherStore } from '../../domain/rewards/voucher-service.js';
import type { PgLedgerStore } from '../ledger/pg-ledger-store.js';
import { inTransaction } from '../transaction.js';
import { isUuid } from './merchant-store.js';

/** Single-use codes: 10 characters of the unambiguous alphabet (30^10 ≈ 6·10^14), from crypto.randomInt. */
const VOUCHER_CODE_LENGTH = 10;

const CAMPAIGN_COLUMNS = `c.id, c.merchant_id, c.name, c.kind, c.value, c.max_discount, c.gift_item, c.shared_code, c.total_limit,
  c.per_member_limit, c.valid_from, c.valid_to, c.min_purchase, c.categories, c.tiers, c.coin_price, c.active`;

function toCampaign(r: Record<string, unknown>): VoucherCampaign {
  return {
    id: r.id as string,
    merchantId: r.merchant_id as string,
    name: r.name as string,
    kind: r.kind as VoucherCampaign['kind'],
    value: Number(r.value),
    maxDiscount: r.max_discount === null ? null : Number(r.max_discount),
    giftItem: r.gift_item as string | null,
    sharedCode: r.shared_code as string | null,
    totalLimit: r.total_limit as number | null,
    perMemberLimit: r.per_member_limit as number | null,
    validFrom: r.valid_from as Date | null,
    validTo: r.valid_to as Date | null,
    minPurchase: Number(r.min_purchase),
    categories: r.categories as string[],
    tiers: r.tiers as string[],
    coinPrice: r.coin_price as number | null,
    active: r.active as boolean,
  };
}

export class PgVoucherStore implements VoucherStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: PgLedgerStore,
  ) {}

  async createCampaign(merchantId: string, c: z.output<typeof campaignInputSchema>) {
    // A shared code already used by another campaign of the club inserts nothing (no error to map).
    const { rows } = await this.pool.query(
      `INSERT INTO voucher_campaigns AS c (id, merchant_id, name, kind, value, max_discount, gift_item, shared_code, total_limit, per_member_limit,
         valid_from, valid_to, min_purchase, categories, tiers, coin_price, active)
       VALUES (gen_random_uuid(), $1, $2, $3::voucher_kind, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (merchant_id, shared_code) DO NOTHING
       RETURNING ${CAMPAIGN_COLUMNS}`,
      [
        merchantId,
        c.name,
        c.kind,
        c.value,
        c.maxDiscount,
        c.giftItem,
        c.sharedCode,
        c.totalLimit,
        c.perMemberLimit,
        c.validFrom,
        c.validTo,
        c.minPurchase,
        c.categories,
        c.tiers,
        c.coinPrice,
        c.active,
      ],
    );
    return rows[0] ? toCampaign(rows[0]) : 'code_taken';
  }

  async campaigns(merchantId: string) {
    const { rows } = await this.pool.query(
      `SELECT ${CAMPAIGN_COLUMNS},
              (SELECT count(*) FROM vouchers v WHERE v.campaign_id = c.id)::int AS issued,
              (SELECT count(*) FROM voucher_redemptions r WHERE r.campaign_id = c.id)::int AS redeemed
       FROM voucher_campaigns c WHERE c.merchant_id = $1 ORDER BY c.created_at DESC`,
      [merchantId],
    );
    return rows.map((r) => ({ ...toCampaign(r), issued: r.issued, redeemed: r.redeemed }));
  }

  async campaign(merchantId: string, id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${CAMPAIGN_COLUMNS} FROM voucher_campaigns c WHERE c.merchant_id = $1 AND c.id = $2`, [
      merchantId,
      id,
    ]);
    return rows[0] ? toCampaign(rows[0]) : null;
  }

  async updateCampaign(merchantId: string, id: string, change: CampaignChange) {
    if (!isUuid(id)) return null;
    const columns: Record<keyof CampaignChange, string> = {
      name: 'name',
      active: 'active',
      validTo: 'valid_to',
      totalLimit: 'total_limit',
      perMemberLimit: 'per_member_limit',
    };
    const set = (Object.keys(columns) as (keyof CampaignChange)[]).filter((key) => key in change);
    if (!set.length) return this.campaign(merchantId, id);
    const { rows } = await this.pool.query(
      `UPDATE voucher_campaigns c SET ${set.map((key, i) => `${columns[key]} = $${i + 3}`).join(', ')}
       WHERE c.merchant_id = $1 AND c.id = $2 RETURNING ${CAMPAIGN_COLUMNS}`,
      [merchantId, id, ...set.map((key) => change[key] ?? null)],
    );
    return rows[0] ? toCampaign(rows[0]) : null;
  }

  /** A fresh code for a member inside the caller's transaction (a wheel prize). */
  async assignIn(client: pg.PoolClient, merchantId: string, campaignId: string, memberId: string, source: string): Promise<string> {
    const [code] = await this.insertCodes(client, merchantId, campaignId, 1, { memberId, source });
    return code!;
  }

  private async insertCodes(
    q: pg.Pool | pg.PoolClient,
    merchantId: string,
    campaignId: string,
    count: number,
    extra?: { memberId: string; source: string },
  ) {
    const codes: string[] = [];
    while (codes.length < count) {
      const batch = Array.from({ length: Math.min(1000, count - codes.length) }, () => generateCode(VOUCHER_CODE_LENGTH));
      const { rows } = await q.query<{ code: string }>(
        `INSERT INTO vouchers (id, merchant_id, campaign_id, code, member_id, status, source, assigned_at)
         SELECT gen_random_uuid(), $1, $2, code, $4, CASE WHEN $4::uuid IS NULL THEN 'available' ELSE 'assigned' END::voucher_status, $5,
                CASE WHEN $4::uuid IS NULL THEN NULL ELSE now() END
         FROM unnest($3::text[]) AS code
         ON CONFLICT (merchant_id, code) DO NOTHING RETURNING code`,
        [merchantId, campaignId, batch, extra?.memberId ?? null, extra?.source ?? null],
      );
      codes.push(...rows.map((r) => r.code));
    }
    return codes;
  }

  generateCodes(merchantId: string, campaignId: string, count: number) {
    return this.insertCodes(this.pool, merchantId, campaignId, count);
  }

  async lookup(merchantId: string, code: string) {
    const single = await this.pool.query(
      `SELECT ${CAMPAIGN_COLUMNS}, v.id AS voucher_id, v.member_id AS voucher_member, v.status AS voucher_status
       FROM vouchers v JOIN voucher_campaigns c ON c.id = v.campaign_id WHERE v.merchant_id = $1 AND v.code = $2`,
      [merchantId, code],
    );
    if (single.rows[0]) {
      const r = single.rows[0];
      return { campaign: toCampaign(r), voucher: { id: r.voucher_id, memberId: r.voucher_member, status: r.voucher_status } };
    }
    const shared = await this.pool.query(
      `SELECT ${CAMPAIGN_COLUMNS} FROM voucher_campaigns c WHERE c.merchant_id = $1 AND c.shared_code = $2`,
      [merchantId, code],
    );
    return shared.rows[0] ? { campaign: toCampaign(shared.rows[0]), voucher: null } : null;
  }

  async redemptionFor(merchantId: string, orderId: string) {
    const { rows } = await this.pool.query(
      'SELECT request_hash, code, discount FROM voucher_redemptions WHERE merchant_id = $1 AND order_id = $2',
      [merchantId, orderId],
    );
    return rows[0] ? { requestHash: rows[0].request_hash, code: rows[0].code, discount: Number(rows[0].discount) } : null;
  }

  redeem(i: Parameters<VoucherStore['redeem']>[0]) {
    return inTransaction(this.pool, async (client) => {
      // Two deliveries of one order wait for each other; the second sees the first's row.
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('voucher-order:' || $1 || '/' || $2, 0))", [
        i.merchantId,
        i.orderId,
      ]);
      const existing = await client.query('SELECT request_hash FROM voucher_redemptions WHERE merchant_id = $1 AND order_id = $2', [
        i.merchantId,
        i.orderId,
      ]);
      if (existing.rows[0]) return existing.rows[0].request_hash === i.requestHash ? ('replayed' as const) : ('conflict' as const);
      if (i.voucherId) {
        const used = await client.query(
          `UPDATE vouchers SET status = 'redeemed', redeemed_at = now(), member_id = coalesce(member_id, $2)
           WHERE id = $1 AND status IN ('available', 'assigned') AND (member_id IS NULL OR $2::uuid IS NULL OR member_id = $2) RETURNING id`,
          [i.voucherId, i.memberId],
        );
        if (!used.rowCount) {
          const { rows } = await client.query('SELECT status, member_id FROM vouchers WHERE id = $1', [i.voucherId]);
          throw new Refusal(rows[0]?.status === 'redeemed' || rows[0]?.status === 'void' ? 'already_redeemed' : 'not_yours');
        }
      } else {
        await client.query('SELECT id FROM voucher_campaigns WHERE id = $1 FOR UPDATE', [i.campaign.id]);
        const { rows } = await client.query(
          'SELECT count(*)::int AS total, count(*) FILTER (WHERE member_id = $2)::int AS mine FROM voucher_redemptions WHERE campaign_id = $1',
          [i.campaign.id, i.memberId],
        );
        if (i.campaign.totalLimit !== null && rows[0].total >= i.campaign.totalLimit) throw new Refusal('limit_reached');
        if (i.campaign.perMemberLimit !== null && i.memberId && rows[0].mine >= i.campaign.perMemberLimit)
          throw new Refusal('member_limit_reached');
      }
      await client.query(
        `INSERT INTO voucher_redemptions (id, merchant_id, campaign_id, voucher_id, code, member_id, order_id, amount, discount, request_hash)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [i.merchantId, i.campaign.id, i.voucherId, i.code, i.memberId, i.orderId, i.amount, i.discount, i.requestHash],
      );
      return 'ok' as const;
    }).catch((err) => {
      if (err instanceof Refusal) return err.reason;
      throw err;
    });
  }

  assign(merchantId: string, campaignId: string, memberId: string, source: string, ledger?: ApplyCommand) {
    return inTransaction(this.pool, async (client) => {
      if (ledger) {
        const paid = await this.ledger.applyIn(client, ledger);
        if (paid.replayed) {
          // Paid before: the code bought then is the answer.
          const { rows } = await client.query('SELECT code FROM vouchers WHERE member_id = $1 AND merchant_id = $2 AND source = $3', [
            memberId,
            merchantId,
            `${source}:${ledger.idempotencyKey}`,
          ]);
          if (rows[0]) return rows[0].code as string;
        }
      }
      const [code] = await this.insertCodes(client, merchantId, campaignId, 1, {
        memberId,
        source: ledger ? `${source}:${ledger.idempotencyKey}` : source,
      });
      return code!;
    });
  }

  /** A code for this member from this source, made once: a repeated call returns the same code. */
  assignOnce(merchantId: string, campaignId: string, memberId: string, source: string) {
    return inTransaction(this.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('voucher-once:' || $1 || '/' || $2, 0))", [memberId, source]);
      const { rows } = await client.query('SELECT code FROM vouchers WHERE member_id = $1 AND merchant_id = $2 AND source = $3', [
        memberId,
        merchantId,
        source,
      ]);
      if (rows[0]) return rows[0].code as string;
      const [code] = await this.insertCodes(client, merchantId, campaignId, 1, { memberId, source });
      return code!;
    });
  }

  async memberVouchers(merchantId: string, memberId: string): Promise<MemberVoucher[]> {
    const { rows } = await this.pool.query(
      `SELECT ${CAMPAIGN_COLUMNS}, v.code AS voucher_code, v.status AS voucher_status, v.assigned_at, v.redeemed_at
       FROM vouchers v JOIN voucher_campaigns c ON c.id = v.campaign_id
       WHERE v.merchant_id = $1 AND v.member_id = $2 AND v.status IN ('assigned', 'redeemed')
       ORDER BY (v.status = 'assigned') DESC, v.assigned_at DESC NULLS LAST LIMIT 50`,
      [merchantId, memberId],
    );
    return rows.map((r) => ({
      code: r.voucher_code,
      status: r.voucher_status,
      campaign: toCampaign(r),
      assignedAt: r.assigned_at,
      redeemedAt: r.redeemed_at,
    }));
  }
}

class Refusal extends Error {
  constructor(readonly reason: 'already_redeemed' | 'not_yours' | 'limit_reached' | 'member_limit_reached') {
    super(reason);
  }
}
