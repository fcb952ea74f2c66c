import { toLatinDigits } from '../../lib/digits.js';
import type { PurchaseItem } from '../rules/evaluate.js';

/**
 * A voucher code as typed: any digit script or case, spaces and dashes ignored. Generated codes
 * use the unambiguous alphabet; a merchant's shared code may be any letters and digits (YALDA1405).
 */
export function normalizeVoucherCode(input: string): string | null {
  const code = toLatinDigits(input).trim().toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z0-9]{3,32}$/.test(code) ? code : null;
}

export type VoucherKind = 'percent' | 'fixed' | 'free_shipping' | 'gift_item';

export interface VoucherCampaign {
  id: string;
  merchantId: string;
  name: string;
  kind: VoucherKind;
  value: number;
  maxDiscount: number | null;
  giftItem: string | null;
  sharedCode: string | null;
  totalLimit: number | null;
  perMemberLimit: number | null;
  validFrom: Date | null;
  validTo: Date | null;
  minPurchase: number;
  categories: string[];
  tiers: string[];
  coinPrice: number | null;
  active: boolean;
}

export type VoucherCheck =
  { ok: true; discount: number; freeShipping: boolean; giftItem: string | null } | { ok: false; reason: VoucherRefusal };

export type VoucherRefusal =
  | 'inactive'
  | 'not_started'
  | 'expired'
  | 'below_minimum'
  | 'no_matching_items'
  | 'tier_not_allowed'
  // decided by the code itself rather than the basket
  | 'unknown_code'
  | 'already_redeemed'
  | 'not_yours';

/**
 * What a voucher takes off a basket, or why it does not apply. Percentages round down and
 * respect the cap; with categories, only those items count (and one must be in the basket).
 */
export function checkVoucher(
  c: VoucherCampaign,
  basket: { amount: number; items?: PurchaseItem[]; tier?: string; at: Date },
): VoucherCheck {
  if (!c.active) return { ok: false, reason: 'inactive' };
  if (c.validFrom && basket.at < c.validFrom) return { ok: false, reason: 'not_started' };
  if (c.validTo && basket.at > c.validTo) return { ok: false, reason: 'expired' };
  if (basket.amount < c.minPurchase) return { ok: false, reason: 'below_minimum' };
  if (c.tiers.length && (!basket.tier || !c.tiers.includes(basket.tier))) return { ok: false, reason: 'tier_not_allowed' };
  let eligible = basket.amount;
  if (c.categories.length) {
    const matching = (basket.items ?? []).filter((i) => i.category && c.categories.includes(i.category));
    if (!matching.length) return { ok: false, reason: 'no_matching_items' };
    eligible = Math.min(
      basket.amount,
      matching.reduce((s, i) => s + i.quantity * i.unitPrice, 0),
    );
  }
  switch (c.kind) {
    case 'percent': {
      const raw = Math.floor((eligible * c.value) / 100);
      return { ok: true, discount: c.maxDiscount !== null ? Math.min(raw, c.maxDiscount) : raw, freeShipping: false, giftItem: null };
    }
    case 'fixed':
      return { ok: true, discount: Math.min(c.value, eligible), freeShipping: false, giftItem: null };
    case 'free_shipping':
      return { ok: true, discount: 0, freeShipping: true, giftItem: null };
    case 'gift_item':
      return { ok: true, discount: 0, freeShipping: false, giftItem: c.giftItem };
  }
}
