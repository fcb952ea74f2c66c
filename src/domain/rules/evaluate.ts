import { tehranParts } from '../../lib/jalali.js';
import type { EarningRule, EarningSettings } from './settings.js';

export interface PurchaseItem {
  sku: string;
  category?: string;
  quantity: number;
  unitPrice: number;
}

export interface EarningInput {
  amount: number;
  items?: PurchaseItem[];
  occurredAt: Date;
  branch?: string;
  tier: string;
}

export type AppliedRule =
  | { id: 'base'; kind: 'base'; points: number; perAmount: number; rate: number }
  | { id: 'min_purchase'; kind: 'min_purchase'; minPurchase: number }
  | { id: string; kind: 'multiplier'; name?: string; multiplier: number; categories?: string[] }
  | { id: string; kind: 'bonus'; name?: string; points: number; coins: number; credit: number }
  | {
      id: string;
      kind: 'tier';
      tier: string;
      pointsMultiplier?: number;
      coinsPerAmount?: { coins: number; amount: number };
      cashbackPercent?: number;
    }
  | { id: 'cap_per_purchase'; kind: 'cap'; cappedFrom: number; cap: number };

export interface EarningResult {
  points: number;
  coins: number;
  credit: number;
  applied: AppliedRule[];
}

/** Multipliers are kept as thousandths so every step is exact integer arithmetic. */
const SCALE = 1000n;
const scaled = (m: number) => BigInt(Math.round(m * 1000));

function minutes(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return h! * 60 + m!;
}

/** Do a rule's conditions (other than categories) hold for this purchase? Times are Tehran's. */
export function conditionsHold(rule: EarningRule, input: EarningInput): boolean {
  const w = rule.when;
  const local = tehranParts(input.occurredAt);
  if (w.weekdays && !w.weekdays.includes(local.weekday)) return false;
  if (w.hours) {
    const now = local.hour * 60 + local.minute;
    const from = minutes(w.hours.from);
    const to = minutes(w.hours.to);
    // to is exclusive; a window like 22:00–02:00 runs over midnight.
    const inside = from <= to ? now >= from && now < to : now >= from || now < to;
    if (!inside) return false;
  }
  if (w.dates && (local.isoDate < w.dates.from || local.isoDate > w.dates.to)) return false;
  if (w.tiers && !w.tiers.includes(input.tier)) return false;
  if (w.branches && (!input.branch || !w.branches.includes(input.branch))) return false;
  if (w.minAmount !== undefined && input.amount < w.minAmount) return false;
  return true;
}

/**
 * How much one purchase earns, and why. Pure: the same input always gives the same result.
 * Order: minimum purchase → base rate on each money portion → category multipliers on their
 * items → purchase-wide multipliers (rules, tier) → fixed bonuses → per-purchase cap; always
 * rounded down. Daily caps need the day's earlier earnings and are applied by the ledger.
 */
export function evaluateEarningRules(settings: EarningSettings, input: EarningInput): EarningResult {
  const applied: AppliedRule[] = [];
  if (input.amount < settings.minPurchase) {
    return { points: 0, coins: 0, credit: 0, applied: [{ id: 'min_purchase', kind: 'min_purchase', minPurchase: settings.minPurchase }] };
  }
  const rules = settings.rules.filter((r) => r.enabled && conditionsHold(r, input));
  const amount = BigInt(input.amount);

  // Money portions: each item's total (capped so items never exceed the paid amount), the rest plain.
  const portions: { amount: bigint; category?: string }[] = [];
  let itemized = 0n;
  for (const item of input.items ?? []) {
    const total = BigInt(item.quantity) * BigInt(item.unitPrice);
    const take = total < amount - itemized ? total : amount - itemized;
    if (take > 0n) portions.push({ amount: take, category: item.category });
    itemized += take;
  }
  if (amount > itemized) portions.push({ amount: amount - itemized });

  const categoryRules = rules.filter((r) => r.multiplier !== undefined && r.when.categories);
  const usedCategoryRules = new Set<string>();
  let weighted = 0n; // amount × category multipliers, in SCALE units
  for (const portion of portions) {
    let m = SCALE;
    for (const r of categoryRules) {
      if (portion.category && r.when.categories!.includes(portion.category)) {
        m = (m * scaled(r.multiplier!)) / SCALE;
        usedCategoryRules.add(r.id);
      }
    }
    weighted += portion.amount * m;
  }

  let wide = SCALE;
  for (const r of rules) {
    if (r.multiplier !== undefined && !r.when.categories) wide = (wide * scaled(r.multiplier)) / SCALE;
  }
  const tierBenefit = settings.tierBenefits[input.tier];
  if (tierBenefit?.pointsMultiplier !== undefined) wide = (wide * scaled(tierBenefit.pointsMultiplier)) / SCALE;

  const rate = settings.pointsPerAmount;
  const basePoints = Number((amount * BigInt(rate.points)) / BigInt(rate.amount));
  let points = Number((weighted * wide * BigInt(rate.points)) / (SCALE * SCALE * BigInt(rate.amount)));
  applied.push({ id: 'base', kind: 'base', points: basePoints, perAmount: rate.amount, rate: rate.points });

  for (const r of rules) {
    if (r.multiplier === undefined) continue;
    if (r.when.categories && !usedCategoryRules.has(r.id)) continue;
    applied.push({ id: r.id, kind: 'multiplier', name: r.name, multiplier: r.multiplier, categories: r.when.categories });
  }
  if (tierBenefit) applied.push({ id: `tier_${input.tier}`, kind: 'tier', tier: input.tier, ...tierBenefit });

  const coinRate = tierBenefit?.coinsPerAmount ?? settings.coinsPerAmount;
  let coins = coinRate ? Number((amount * BigInt(coinRate.coins)) / BigInt(coinRate.amount)) : 0;
  const cashback = tierBenefit?.cashbackPercent ?? settings.cashbackPercent;
  let credit = Number((amount * scaled(cashback)) / (100n * SCALE));

  for (const r of rules) {
    if (!r.bonus) continue;
    // A category bonus needs at least one item of those categories in the basket.
    if (r.when.categories && !portions.some((p) => p.category && r.when.categories!.includes(p.category))) continue;
    const bonus = { points: r.bonus.points ?? 0, coins: r.bonus.coins ?? 0, credit: r.bonus.credit ?? 0 };
    points += bonus.points;
    coins += bonus.coins;
    credit += bonus.credit;
    applied.push({ id: r.id, kind: 'bonus', name: r.name, ...bonus });
  }

  const cap = settings.caps.pointsPerPurchase;
  if (cap !== undefined && points > cap) {
    applied.push({ id: 'cap_per_purchase', kind: 'cap', cappedFrom: points, cap });
    points = cap;
  }
  return { points, coins, credit, applied };
}
