import { z } from 'zod';

/** Post-purchase surveys and support. */
export const feedbackSettingsSchema = z
  .object({
    postPurchase: z
      .object({
        enabled: z.boolean().default(true),
        /** Minutes after a credited purchase before the member is asked. */
        delayMinutes: z.number().int().min(0).max(10_080).default(30),
        /** Share of surveys (0–100 %) that also ask the 0–10 recommendation (NPS) question. */
        npsPercent: z.number().int().min(0).max(100).default(20),
        /** Coins for answering, once per purchase. */
        rewardCoins: z.number().int().min(0).max(1_000_000).default(0),
        /** A rating at or below this opens a ticket and alerts the branch's managers (0: never). */
        ticketAtOrBelow: z.number().int().min(0).max(5).default(2),
      })
      .strict()
      .default({ enabled: true, delayMinutes: 30, npsPercent: 20, rewardCoins: 0, ticketAtOrBelow: 2 }),
    support: z
      .object({
        /** Ticket categories members choose from; the translated defaults when absent. */
        categories: z.array(z.string().min(1).max(40)).min(1).max(8).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type FeedbackSettings = z.infer<typeof feedbackSettingsSchema>;

/** Default ticket categories: locale keys under support.category. */
export const DEFAULT_TICKET_CATEGORIES = ['order', 'points', 'suggestion', 'other'] as const;
