import type { Gift, GiftRequest } from '../../domain/rewards/gift-service.js';
import type { Raffle } from '../../domain/rewards/raffle-service.js';
import type { VoucherCampaign } from '../../domain/rewards/voucher-rules.js';
import type { WheelConfig } from '../../domain/rewards/wheel.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentWheel(w: WheelConfig | null) {
  if (!w) return { enabled: false, costCoins: 0, perDay: null, perWeek: null, minTier: null, version: 0, prizes: [] };
  const total = w.prizes.reduce((s, p) => s + p.weight, 0);
  return {
    ...w,
    prizes: w.prizes.map(({ remaining, position: _position, ...p }) => ({
      ...p,
      probability: Math.round((p.weight / total) * 1e6) / 1e6,
      stock: remaining,
    })),
  };
}

export const presentGift = (g: Gift) => ({ ...g, visibleFrom: iso(g.visibleFrom), visibleTo: iso(g.visibleTo) });

export const presentGiftRequest = (r: GiftRequest) => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const presentCampaign = ({ merchantId: _m, ...c }: VoucherCampaign & { issued?: number; redeemed?: number }) => ({
  ...c,
  validFrom: iso(c.validFrom),
  validTo: iso(c.validTo),
});

export const presentRaffle = (r: Raffle) => ({
  ...r,
  opensAt: r.opensAt.toISOString(),
  closesAt: r.closesAt.toISOString(),
  drawnAt: iso(r.drawnAt),
  cancelledAt: iso(r.cancelledAt),
});
