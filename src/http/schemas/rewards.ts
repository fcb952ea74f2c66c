import { z } from 'zod';
import { itemSchema, positiveMoney } from './common.js';

const when = z.string().nullable();
/** Bodies are validated by the domain (one set of rules for the API and the chat admin); the fields are listed in the summary. */
export const domainBody = (description: string) => z.record(z.string(), z.unknown()).describe(description);
export const idParams = z.object({ id: z.string().max(64) });

export const wheelSchema = z
  .object({
    enabled: z.boolean(),
    costCoins: z.number().int(),
    perDay: z.number().int().nullable(),
    perWeek: z.number().int().nullable(),
    minTier: z.string().nullable(),
    version: z.number().int().describe('Grows with every replacement; spins keep the prize they drew'),
    prizes: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        kind: z.enum(['points', 'coins', 'credit', 'voucher', 'gift', 'nothing']),
        amount: z.number().int().nullable(),
        expiresInDays: z.number().int().nullable(),
        voucherCampaignId: z.string().nullable(),
        giftId: z.string().nullable(),
        weight: z.number().int(),
        probability: z.number().describe('weight / total weight'),
        stock: z.number().int().nullable().describe('Left; null is unlimited'),
      }),
    ),
  })
  .meta({ id: 'Wheel' });

export const giftSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    group: z.string().nullable(),
    imageUrl: z.string().nullable(),
    costCurrency: z.enum(['points', 'coins', 'credit']),
    cost: z.number().int(),
    stock: z.number().int().nullable(),
    visibleFrom: when,
    visibleTo: when,
    tiers: z.array(z.string()),
    groups: z.array(z.string()),
    active: z.boolean(),
    position: z.number().int(),
  })
  .meta({ id: 'Gift' });

export const giftRequestSchema = z
  .object({
    id: z.string(),
    memberId: z.string(),
    giftId: z.string(),
    giftTitle: z.string(),
    status: z.enum(['requested', 'approved', 'shipped', 'rejected']),
    costCurrency: z.string(),
    cost: z.number().int(),
    source: z.string().describe('catalog or wheel'),
    trackingNote: z.string().nullable(),
    history: z.array(z.object({ status: z.string(), at: z.string(), note: z.string().optional() })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'GiftRequest' });

export const giftRequestQuery = z
  .object({
    status: z.enum(['requested', 'approved', 'shipped', 'rejected']).optional(),
    memberId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
    before: z.iso.datetime({ offset: true }).optional().describe('createdAt of the last request of the previous page'),
  })
  .strict();

export const campaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['percent', 'fixed', 'free_shipping', 'gift_item']),
    value: z.number().int(),
    maxDiscount: z.number().int().nullable(),
    giftItem: z.string().nullable(),
    sharedCode: z.string().nullable(),
    totalLimit: z.number().int().nullable(),
    perMemberLimit: z.number().int().nullable(),
    validFrom: when,
    validTo: when,
    minPurchase: z.number().int(),
    categories: z.array(z.string()),
    tiers: z.array(z.string()),
    coinPrice: z.number().int().nullable(),
    active: z.boolean(),
    issued: z.number().int().optional(),
    redeemed: z.number().int().optional(),
  })
  .meta({ id: 'VoucherCampaign' });

const basket = {
  code: z.string().min(1).max(64),
  memberId: z.uuid().optional(),
  phone: z.string().min(1).max(32).optional(),
  memberCode: z.string().min(1).max(16).optional(),
  amount: positiveMoney.describe('The basket before the discount, in the club currency'),
  items: z.array(itemSchema).max(500).optional(),
};

export const validateBodySchema = z.object(basket).strict().meta({ id: 'VoucherCheckRequest' });
export const redeemBodySchema = z
  .object({ ...basket, orderId: z.string().min(1).max(128) })
  .strict()
  .meta({ id: 'VoucherRedeemRequest' });

export const validateResponseSchema = z
  .object({
    code: z.string(),
    ok: z.boolean(),
    discount: z.number().int().optional(),
    freeShipping: z.boolean().optional(),
    giftItem: z.string().nullable().optional(),
    reason: z
      .string()
      .optional()
      .describe(
        'Why it does not apply: unknown_code, already_redeemed, not_yours, inactive, not_started, expired, below_minimum, no_matching_items, tier_not_allowed',
      ),
    message: z.string().optional(),
  })
  .meta({ id: 'VoucherCheck' });

export const redeemResponseSchema = z
  .object({ code: z.string(), orderId: z.string(), discount: z.number().int(), freeShipping: z.boolean(), giftItem: z.string().nullable() })
  .meta({ id: 'VoucherRedemption' });

export const purchaseVoucherSchema = z
  .object({
    code: z.string(),
    redeemed: z.boolean(),
    discount: z.number().int().optional(),
    freeShipping: z.boolean().optional(),
    giftItem: z.string().nullable().optional(),
    reason: z.string().optional(),
    message: z.string().optional(),
  })
  .describe('Present when the purchase named a voucherCode: redeemed, or why not');

export const raffleSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    prizes: z.array(z.object({ title: z.string(), count: z.number().int() })),
    entryRule: z.record(z.string(), z.unknown()).describe('{ kind: purchase } | { kind: points, per } | { kind: coins, price }'),
    opensAt: z.string(),
    closesAt: z.string(),
    status: z.enum(['open', 'drawn', 'cancelled']),
    seedHash: z.string().describe('sha256 of the server seed, published when the raffle opens'),
    seed: z.string().nullable().describe('Revealed by the draw'),
    ticketCount: z.number().int(),
    publicValue: z.string().nullable().describe('sha256 of the ordered ticket list, fixed at the draw'),
    winners: z.array(z.object({ prize: z.string(), ticket: z.number().int(), memberId: z.string() })).nullable(),
    drawnAt: when,
    cancelledAt: when.describe('Called off before its draw: no winners, coins paid for tickets given back'),
  })
  .meta({ id: 'Raffle' });

export const raffleProofSchema = z
  .object({
    raffle: raffleSchema,
    tickets: z.array(z.tuple([z.number().int(), z.string()])).describe('[number, memberId], in order'),
    algorithm: z.string(),
  })
  .meta({ id: 'RaffleProof' });
