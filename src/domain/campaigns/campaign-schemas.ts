import { z } from 'zod';
import { earningRuleSchema } from '../rules/settings.js';
import { dayOrMoment } from '../dates.js';

export const campaignMessageSchema = z
  .object({
    /** {name}, {points}, {coins}, {voucher} are filled in per member. */
    text: z.string().trim().min(1).max(3500),
    photoUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Label of the tracked button that opens the bot (deep link s_c<campaign id>); default "open the club". */
    linkLabel: z.string().trim().min(1).max(40).optional(),
    buttons: z
      .array(z.object({ label: z.string().trim().min(1).max(40), url: z.url({ protocol: /^https?$/ }) }).strict())
      .max(3)
      .optional(),
    /** A survey of the merchant's: the message gets a button that starts it in chat. */
    surveyId: z.uuid().optional(),
  })
  .strict();

export const campaignRewardSchema = z.union([
  z
    .object({
      currency: z.enum(['points', 'coins', 'credit']),
      amount: z.number().int().min(1).max(1e12),
      expiresInDays: z.number().int().min(1).max(3650).optional(),
    })
    .strict(),
  z.object({ voucherCampaignId: z.uuid() }).strict(),
]);

const common = {
  name: z.string().trim().min(1).max(120),
  segment: z.record(z.string(), z.unknown()).default({}),
  /** Percent of the segment kept out (not messaged, not rewarded) to measure the campaign's lift. */
  holdoutPercent: z.number().int().min(0).max(50).default(0),
  /** Purchases within this many days of the send count for the campaign. */
  attributionDays: z.number().int().min(1).max(90).default(7),
  scheduleAt: dayOrMoment('start').optional(),
};

export const campaignInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), ...common, message: campaignMessageSchema }).strict(),
  z.object({ kind: z.literal('reward'), ...common, message: campaignMessageSchema, reward: campaignRewardSchema }).strict(),
  z
    .object({
      kind: z.literal('multiplier'),
      name: common.name,
      /** The earning rule while the campaign runs: e.g. { multiplier: 2, when: { weekdays: ['fri'] } }. */
      rule: z
        .object({
          name: earningRuleSchema.shape.name,
          when: earningRuleSchema.shape.when,
          multiplier: earningRuleSchema.shape.multiplier,
          bonus: earningRuleSchema.shape.bonus,
        })
        .strict()
        .refine((r) => r.multiplier !== undefined || r.bonus !== undefined, { message: 'a rule needs a multiplier or a bonus' }),
      startsAt: dayOrMoment('start'),
      endsAt: dayOrMoment('end'),
    })
    .strict(),
]);

export type CampaignInput = z.output<typeof campaignInputSchema>;
export type CampaignMessage = z.output<typeof campaignMessageSchema>;
export type CampaignReward = z.output<typeof campaignRewardSchema>;
