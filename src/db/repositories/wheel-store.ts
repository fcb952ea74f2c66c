import type pg from 'pg';
import type { SpinPlan, SpinResult, WheelStore } from '../../domain/rewards/wheel-service.js';
import type { WheelConfig, WheelInput, WheelPrize } from '../../domain/rewards/wheel.js';
import { tehranStartOfDay, tehranStartOfWeek } from '../../lib/tehran-calendar.js';
import type { PgLedgerStore } from '../ledger/pg-ledger-store.js';
import { inTransaction } from '../transaction.js';
import type { PgVoucherStore } from './voucher-store.js';

function toPrize(r: Record<string, unknown>): WheelPrize {
  return {
    id: r.id as string,
    position: r.position as number,
    label: r.label as string,
    kind: r.kind as WheelPrize['kind'],
    amount: r.amount === null ? null : Number(r.amount),
    expiresInDays: r.expires_in_days as number | null,
    voucherCampaignId: r.voucher_campaign_id as string | null,
    giftId: r.gift_id as string | null,
    weight: r.weight as number,
    remaining: r.remaining as number | null,
  };
}

const PRIZE_COLUMNS = 'id, position, label, kind, amount, expires_in_days, voucher_campaign_id, gift_id, weight, remaining';

class Refused extends Error {
  constructor(readonly reason: 'per_day' | 'per_week' | 'no_prize') {
    super(reason);
  }
}

export class PgWheelStore implements WheelStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: PgLedgerStore,
    private readonly vouchers: PgVoucherStore,
  ) {}

  async config(merchantId: string): Promise<WheelConfig | null> {
    const [cfg, prizes] = await Promise.all([
      this.pool.query('SELECT enabled, cost_coins, per_day, per_week, min_tier, version FROM wheel_configs WHERE merchant_id = $1', [
        merchantId,
      ]),
      this.pool.query(`SELECT ${PRIZE_COLUMNS} FROM wheel_prizes WHERE merchant_id = $1 AND active ORDER BY position`, [merchantId]),
    ]);
    const c = cfg.rows[0];
    if (!c) return null;
    return {
      enabled: c.enabled,
      costCoins: c.cost_coins,
      perDay: c.per_day,
      perWeek: c.per_week,
      minTier: c.min_tier,
      version: c.version,
      prizes: prizes.rows.map(toPrize),
    };
  }

  async replace(
    merchantId: string,
    input: WheelInput & { prizes: (WheelInput['prizes'][number] & { weight: number })[] },
  ): Promise<WheelConfig> {
    await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query(
        `INSERT INTO wheel_configs AS w (merchant_id, enabled, cost_coins, per_day, per_week, min_tier) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (merchant_id) DO UPDATE SET enabled = $2, cost_coins = $3, per_day = $4, per_week = $5, min_tier = $6, version = w.version + 1, updated_at = now()
         RETURNING version`,
        [merchantId, input.enabled, input.costCoins, input.perDay, input.perWeek, input.minTier],
      );
      await client.query('UPDATE wheel_prizes SET active = false WHERE merchant_id = $1 AND active', [merchantId]);
      for (const [i, p] of input.prizes.entries()) {
        await client.query(
          `INSERT INTO wheel_prizes (id, merchant_id, version, position, label, kind, amount, expires_in_days, voucher_campaign_id, gift_id, weight, remaining)
           VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::prize_kind, $6, $7, $8, $9, $10, $11)`,
          [
            merchantId,
            rows[0].version,
            i + 1,
            p.label,
            p.kind,
            p.amount ?? null,
            p.expiresInDays ?? null,
            p.voucherCampaignId ?? null,
            p.giftId ?? null,
            p.weight,
            p.stock ?? null,
          ],
        );
      }
    });
    return (await this.config(merchantId))!;
  }

  private async counts(q: pg.Pool | pg.PoolClient, memberId: string, now: Date) {
    const { rows } = await q.query(
      'SELECT count(*) FILTER (WHERE created_at >= $2)::int AS today, count(*)::int AS week FROM wheel_spins WHERE member_id = $1 AND created_at >= $3',
      [memberId, tehranStartOfDay(now), tehranStartOfWeek(now)],
    );
    return rows[0] as { today: number; week: number };
  }

  async spinsLeft(_merchantId: string, memberId: string, perDay: number | null, perWeek: number | null, now: Date) {
    if (perDay === null && perWeek === null) return null;
    const { today, week } = await this.counts(this.pool, memberId, now);
    return Math.max(0, Math.min(perDay === null ? Infinity : perDay - today, perWeek === null ? Infinity : perWeek - week));
  }

  spin(plan: SpinPlan): Promise<SpinResult | { refused: 'per_day' | 'per_week' | 'no_prize' }> {
    return inTransaction(this.pool, async (client): Promise<SpinResult> => {
      // One member's spins queue up here: limits are counted exactly, a double tap replays.
      await client.query('SELECT id FROM members WHERE id = $1 FOR UPDATE', [plan.member.id]);
      const seen = await client.query('SELECT id, result FROM wheel_spins WHERE merchant_id = $1 AND idempotency_key = $2', [
        plan.merchantId,
        plan.idempotencyKey,
      ]);
      if (seen.rows[0]) return { ...(seen.rows[0].result as SpinResult), spinId: seen.rows[0].id, replayed: true };
      const { today, week } = await this.counts(client, plan.member.id, plan.at);
      if (plan.perDay !== null && today >= plan.perDay) throw new Refused('per_day');
      if (plan.perWeek !== null && week >= plan.perWeek) throw new Refused('per_week');

      let candidates = (
        await client.query(`SELECT ${PRIZE_COLUMNS} FROM wheel_prizes WHERE merchant_id = $1 AND active ORDER BY position`, [
          plan.merchantId,
        ])
      ).rows.map(toPrize);
      let prize: WheelPrize | null = null;
      while (!prize) {
        const drawn = plan.draw(candidates);
        if (!drawn) throw new Refused('no_prize');
        if (drawn.remaining === null) {
          prize = drawn;
          break;
        }
        // Take one from stock only if one is left; otherwise the prize drops out and we draw again.
        const taken = await client.query(
          'UPDATE wheel_prizes SET remaining = remaining - 1 WHERE id = $1 AND remaining > 0 RETURNING remaining',
          [drawn.id],
        );
        if (taken.rowCount) prize = drawn;
        else candidates = candidates.map((p) => (p.id === drawn.id ? { ...p, remaining: 0 } : p));
      }

      const paid = await this.ledger.applyIn(client, await plan.ledgerFor(prize));
      const result: SpinResult = {
        spinId: '',
        replayed: false,
        prize: { label: prize.label, kind: prize.kind, amount: prize.amount },
        balances: paid.result.balances,
      };
      if (prize.kind === 'voucher' && prize.voucherCampaignId) {
        result.prize.voucherCode = await this.vouchers.assignIn(client, plan.merchantId, prize.voucherCampaignId, plan.member.id, 'wheel');
      }
      if (prize.kind === 'gift' && prize.giftId) {
        const { rows } = await client.query(
          `INSERT INTO gift_requests (id, merchant_id, member_id, gift_id, cost_currency, cost, source, idempotency_key, history)
           SELECT gen_random_uuid(), $1, $2, g.id, g.cost_currency, 0, 'wheel', $4, jsonb_build_array(jsonb_build_object('status', 'requested', 'at', now()))
           FROM gifts g WHERE g.id = $3 RETURNING id`,
          [plan.merchantId, plan.member.id, prize.giftId, `wheel:${plan.idempotencyKey}`],
        );
        result.prize.giftRequestId = rows[0]?.id;
      }
      const spin = await client.query(
        'INSERT INTO wheel_spins (id, merchant_id, member_id, prize_id, idempotency_key, cost_coins, result, created_at) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7) RETURNING id',
        [plan.merchantId, plan.member.id, prize.id, plan.idempotencyKey, plan.costCoins, JSON.stringify(result), plan.at],
      );
      return { ...result, spinId: spin.rows[0].id };
    }).catch((err) => {
      if (err instanceof Refused) return { refused: err.reason };
      throw err;
    });
  }
}
