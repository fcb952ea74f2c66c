import { z } from 'zod';

export const rewardSchema = z
  .object({
    currency: z.enum(['points', 'coins', 'credit']),
    amount: z.number().int().min(1).max(1e12),
    /** Credit (or points) given as a reward may expire; days from the grant. */
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

const sides = z.object({ referrer: rewardSchema.optional(), friend: rewardSchema.optional() }).strict();

/**
 * Who gets what, and when: on the friend's join (a verified phone), and on the friend's first
 * purchase (optionally above a minimum). Leave a side out for a one-sided programme.
 */
export const referralSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    onJoin: sides.default({ referrer: { currency: 'coins', amount: 20 }, friend: { currency: 'coins', amount: 10 } }),
    onFirstPurchase: sides
      .extend({ minAmount: z.number().int().min(0).max(1e15).default(0) })
      .default({ minAmount: 0, referrer: { currency: 'points', amount: 50 } }),
    limits: z
      .object({
        referrerRewardsPerDay: z.number().int().min(1).max(1e6).optional(),
        referrerRewardsTotal: z.number().int().min(1).max(1e9).optional(),
      })
      .strict()
      .default({ referrerRewardsPerDay: 20 }),
    /** A member who joined without a link may type a referral code within this many days. */
    codeEntryDays: z.number().int().min(0).max(365).default(7),
    /** Purchase notifications end with an invitation link (the "happy moment"). */
    suggestAfterPurchase: z.boolean().default(true),
  })
  .strict();

export const staffSettingsSchema = z
  .object({
    /** Commission on purchases that carry a staffCode: a percentage of the amount, plus a fixed sum. */
    commissionPercent: z.number().min(0).max(100).default(0),
    commissionFixed: z.number().int().min(0).max(1e12).default(0),
  })
  .strict();

export type Reward = z.infer<typeof rewardSchema>;
export type ReferralSettings = z.infer<typeof referralSettingsSchema>;
export type StaffSettings = z.infer<typeof staffSettingsSchema>;
