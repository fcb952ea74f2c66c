import { z } from 'zod';
import { earningSettingsSchema, expirySettingsSchema, tierSettingsSchema } from '../rules/settings.js';
import { referralSettingsSchema, staffSettingsSchema } from '../referrals/settings.js';
import { automationSettingsSchema } from '../campaigns/automation-settings.js';
import { feedbackSettingsSchema } from '../feedback/settings.js';

/** Everything a merchant configures, validated; `{}` is a working club with the defaults. */
export const merchantSettingsSchema = z
  .object({
    /** The unit of money in purchases and wallet credit. */
    currency: z.enum(['IRT', 'IRR']).default('IRT'),
    earning: earningSettingsSchema.default(earningSettingsSchema.parse({})),
    tiers: tierSettingsSchema.default(tierSettingsSchema.parse({})),
    expiry: expirySettingsSchema.default(expirySettingsSchema.parse({})),
    referrals: referralSettingsSchema.default(referralSettingsSchema.parse({})),
    staff: staffSettingsSchema.default(staffSettingsSchema.parse({})),
    automations: automationSettingsSchema.default(automationSettingsSchema.parse({})),
    feedback: feedbackSettingsSchema.default(feedbackSettingsSchema.parse({})),
    api: z
      .object({
        /** Requests per second for this merchant's API and webhooks (default: RATE_LIMIT_PER_SECOND). */
        rateLimitPerSecond: z.number().int().min(1).max(100_000).optional(),
      })
      .strict()
      .default({}),
    sms: z
      .object({
        /**
         * A purchase by a phone that has not joined any chat: `first` sends one SMS (what it earned and
         * a join link) and no more until the person joins; `every` sends one for each purchase; `off` none.
         */
        purchasesBeforeJoining: z.enum(['first', 'every', 'off']).default('first'),
        /** Account messages (purchases, expiry, gifts…) by SMS to members no chat reaches. */
        accountMessages: z.boolean().default(true),
      })
      .strict()
      .default({ purchasesBeforeJoining: 'first', accountMessages: true }),
    woocommerce: z
      .object({
        /** The order status that earns: `completed`, or already at `processing` (paid). */
        awardOn: z.enum(['completed', 'processing']).default('completed'),
      })
      .strict()
      .default({ awardOn: 'completed' }),
  })
  .strict();

export type MerchantSettings = z.infer<typeof merchantSettingsSchema>;

export const DEFAULT_SETTINGS: MerchantSettings = merchantSettingsSchema.parse({});

export interface SettingsProvider {
  get(merchantId: string): Promise<MerchantSettings>;
}
