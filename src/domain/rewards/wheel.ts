import { randomInt } from 'node:crypto';
import { z } from 'zod';

export const PRIZE_KINDS = ['points', 'coins', 'credit', 'voucher', 'gift', 'nothing'] as const;
export type PrizeKind = (typeof PRIZE_KINDS)[number];

const prizeInput = z
  .object({
    label: z.string().min(1).max(60),
    kind: z.enum(PRIZE_KINDS),
    amount: z.number().int().min(1).max(1e12).optional(),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
    voucherCampaignId: z.uuid().optional(),
    giftId: z.uuid().optional(),
    /** Relative chance; or give `probability` (0–1) instead. */
    weight: z.number().int().min(1).max(1_000_000).optional(),
    probability: z.number().gt(0).max(1).optional(),
    /** Null or absent: unlimited. */
    stock: z.number().int().min(0).max(1e9).nullable().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if ((p.weight === undefined) === (p.probability === undefined))
      ctx.addIssue({ code: 'custom', path: ['weight'], message: 'give weight or probability' });
    if (['points', 'coins', 'credit'].includes(p.kind) && !p.amount)
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `a ${p.kind} prize needs an amount` });
    if (p.kind === 'voucher' && !p.voucherCampaignId)
      ctx.addIssue({ code: 'custom', path: ['voucherCampaignId'], message: 'a voucher prize names its campaign' });
    if (p.kind === 'gift' && !p.giftId) ctx.addIssue({ code: 'custom', path: ['giftId'], message: 'a gift prize names the gift' });
  });

export const wheelInputSchema = z
  .object({
    enabled: z.boolean().default(true),
    costCoins: z.number().int().min(0).max(1e9).default(0),
    perDay: z.number().int().min(1).max(1000).nullable().default(null),
    perWeek: z.number().int().min(1).max(10_000).nullable().default(null),
    minTier: z.string().min(1).max(30).nullable().default(null),
    prizes: z.array(prizeInput).min(1).max(24),
  })
  .strict()
  .superRefine((w, ctx) => {
    const probabilities = w.prizes.filter((p) => p.probability !== undefined);
    if (probabilities.length && probabilities.length !== w.prizes.length)
      ctx.addIssue({ code: 'custom', path: ['prizes'], message: 'use weights for every prize, or probabilities for every prize' });
    const total = probabilities.reduce((s, p) => s + p.probability!, 0);
    if (probabilities.length && Math.abs(total - 1) > 1e-6)
      ctx.addIssue({ code: 'custom', path: ['prizes'], message: `probabilities add up to ${total}, not 1` });
  });

export type WheelInput = z.output<typeof wheelInputSchema>;

export interface WheelPrize {
  id: string;
  position: number;
  label: string;
  kind: PrizeKind;
  amount: number | null;
  expiresInDays: number | null;
  voucherCampaignId: string | null;
  giftId: string | null;
  weight: number;
  remaining: number | null;
}

export interface WheelConfig {
  enabled: boolean;
  costCoins: number;
  perDay: number | null;
  perWeek: number | null;
  minTier: string | null;
  version: number;
  prizes: WheelPrize[];
}

/** Probabilities become integer weights (parts per million). */
export function prizeWeight(p: { weight?: number; probability?: number }): number {
  return p.weight ?? Math.max(1, Math.round(p.probability! * 1_000_000));
}

/**
 * One draw, weighted, with a cryptographic RNG; prizes out of stock never come up. The server
 * decides before any animation is shown. `random(n)` gives an integer in [0, n).
 */
export function drawPrize<P extends { weight: number; remaining: number | null }>(
  prizes: P[],
  random: (n: number) => number = randomInt,
): P | null {
  const available = prizes.filter((p) => p.remaining === null || p.remaining > 0);
  const total = available.reduce((s, p) => s + p.weight, 0);
  if (total <= 0) return null;
  let ticket = random(total);
  for (const p of available) {
    if (ticket < p.weight) return p;
    ticket -= p.weight;
  }
  return available[available.length - 1]!;
}
