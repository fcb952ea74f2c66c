import { contentHash } from '../../lib/canonical-hash.js';
import { systemClock, type Clock } from '../clock.js';
import { forbidden, invalid, notFound, unprocessable } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { ApplyCommand, LedgerLine } from '../ledger/types.js';
import type { SettingsProvider } from '../merchants/settings.js';
import type { Member } from '../members/types.js';
import { tierRank } from '../tiers/tiers.js';
import { drawPrize, prizeWeight, wheelInputSchema, type WheelConfig, type WheelPrize } from './wheel.js';
import { parseInput } from '../validation.js';
import { requireOwnReferences, type Reference, type ReferenceStore } from '../references.js';

export interface SpinResult {
  spinId: string;
  replayed: boolean;
  prize: { label: string; kind: WheelPrize['kind']; amount: number | null; voucherCode?: string; giftRequestId?: string };
  balances: { points: number; coins: number; credit: number };
}

export interface SpinPlan {
  merchantId: string;
  member: Member;
  idempotencyKey: string;
  /** When the spin happens: the day and week its limits count in. */
  at: Date;
  costCoins: number;
  perDay: number | null;
  perWeek: number | null;
  /** Builds the ledger command once the prize is drawn (inside the transaction). */
  ledgerFor(prize: WheelPrize): Promise<ApplyCommand>;
  draw(prizes: WheelPrize[]): WheelPrize | null;
}

export interface WheelStore {
  config(merchantId: string): Promise<WheelConfig | null>;
  replace(merchantId: string, input: ReturnType<typeof wheelInputSchema.parse>): Promise<WheelConfig>;
  /** Limits, stock, coins and prize in one transaction; a key seen before returns its spin. */
  spin(plan: SpinPlan): Promise<SpinResult | { refused: 'per_day' | 'per_week' | 'no_prize' }>;
  spinsLeft(merchantId: string, memberId: string, perDay: number | null, perWeek: number | null, now: Date): Promise<number | null>;
}

/**
 * The lucky wheel: the merchant's prizes, weights and stock (`GET/PUT /v1/wheel`), and a spin
 * that takes its cost and gives its prize in one transaction. Replacing the prizes never
 * changes spins already made: each spin keeps what it drew.
 */
export class WheelService {
  constructor(
    private readonly deps: {
      store: WheelStore;
      ledger: LedgerService;
      settings: SettingsProvider;
      references: ReferenceStore;
      clock?: Clock;
    },
  ) {}

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  async config(merchantId: string): Promise<WheelConfig | null> {
    return this.deps.store.config(merchantId);
  }

  async replace(merchantId: string, input: unknown): Promise<WheelConfig> {
    const data = parseInput(wheelInputSchema, input, 'invalid_wheel', 'wheel');
    const { tiers } = await this.deps.settings.get(merchantId);
    if (data.minTier && tierRank(tiers, data.minTier) < 0)
      throw invalid('invalid_wheel', `minTier ${data.minTier} is not one of the club's tiers`);
    const refs = data.prizes.flatMap((p, i): Reference[] => [
      ...(p.voucherCampaignId
        ? [{ kind: 'voucher_campaign' as const, id: p.voucherCampaignId, field: `prizes.${i}.voucherCampaignId` }]
        : []),
      ...(p.giftId ? [{ kind: 'gift' as const, id: p.giftId, field: `prizes.${i}.giftId` }] : []),
    ]);
    await requireOwnReferences(this.deps.references, merchantId, refs);
    return this.deps.store.replace(merchantId, { ...data, prizes: data.prizes.map((p) => ({ ...p, weight: prizeWeight(p) })) });
  }

  /** Whether a member may spin now, and how many spins are left today/this week. */
  async availability(
    merchantId: string,
    member: Member,
  ): Promise<{ config: WheelConfig; allowed: boolean; reason?: string; spinsLeft: number | null } | null> {
    const config = await this.deps.store.config(merchantId);
    if (!config || !config.enabled || !config.prizes.length) return null;
    const { tiers } = await this.deps.settings.get(merchantId);
    if (config.minTier && tierRank(tiers, member.tier) < tierRank(tiers, config.minTier))
      return { config, allowed: false, reason: 'tier', spinsLeft: 0 };
    const left = await this.deps.store.spinsLeft(merchantId, member.id, config.perDay, config.perWeek, this.clock.now());
    if (left === 0) return { config, allowed: false, reason: 'limit', spinsLeft: 0 };
    if (member.balances.coins < config.costCoins) return { config, allowed: false, reason: 'coins', spinsLeft: left };
    return { config, allowed: true, spinsLeft: left };
  }

  async spin(merchantId: string, member: Member, idempotencyKey: string): Promise<SpinResult> {
    const config = await this.deps.store.config(merchantId);
    if (!config || !config.enabled || !config.prizes.length) throw notFound('no_wheel', 'This club has no lucky wheel');
    const { tiers } = await this.deps.settings.get(merchantId);
    if (config.minTier && tierRank(tiers, member.tier) < tierRank(tiers, config.minTier))
      throw forbidden('tier_too_low', `The wheel is for ${config.minTier} members and above`);
    const now = this.clock.now();
    const outcome = await this.deps.store.spin({
      merchantId,
      member,
      idempotencyKey,
      at: now,
      costCoins: config.costCoins,
      perDay: config.perDay,
      perWeek: config.perWeek,
      draw: (prizes) => drawPrize(prizes),
      ledgerFor: async (prize) => {
        const lines: LedgerLine[] = [];
        if (config.costCoins > 0)
          lines.push({ mode: 'spend', currency: 'coins', amount: config.costCoins, reason: 'wheel', refType: 'wheel' });
        if ((prize.kind === 'points' || prize.kind === 'coins' || prize.kind === 'credit') && prize.amount) {
          const expiresAt = prize.expiresInDays
            ? new Date(now.getTime() + prize.expiresInDays * 86_400_000)
            : prize.kind === 'coins'
              ? null
              : await this.deps.ledger.defaultExpiry(merchantId, prize.kind, now);
          lines.push({
            mode: 'earn',
            currency: prize.kind,
            amount: prize.amount,
            reason: 'wheel',
            refType: 'wheel_prize',
            refId: prize.id,
            expiresAt,
            countsForTier: false,
          });
        }
        return this.deps.ledger.prepare({
          merchantId,
          memberId: member.id,
          idempotencyKey: `wheel:${idempotencyKey}`,
          requestHash: contentHash({ spin: idempotencyKey, member: member.id }),
          kind: 'wheel',
          actor: 'member',
          lines,
          eventType: 'wheel.spun',
          event: { prize_label: prize.label, prize_kind: prize.kind },
        });
      },
    });
    if ('refused' in outcome) {
      if (outcome.refused === 'no_prize') throw unprocessable('wheel_empty', 'Every prize of the wheel is out of stock');
      throw unprocessable(`limit_${outcome.refused}`, outcome.refused === 'per_day' ? 'No spins left today' : 'No spins left this week');
    }
    return outcome;
  }
}
