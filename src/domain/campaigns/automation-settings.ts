import { z } from 'zod';
import { campaignRewardSchema } from './campaign-schemas.js';

const text = z.string().trim().min(1).max(1000).optional();
const reward = campaignRewardSchema.optional();

/**
 * Automations (settings `automations`), run every day at Tehran midnight: a birthday greeting
 * with an optional gift on the member's Jalali birthday, a win-back after N days without a
 * purchase, and a welcome series after joining. Texts may use {name}; without one the club's
 * default (locales) is sent. The reminder before credit expires is `expiry.reminderDaysBefore`.
 */
export const automationSettingsSchema = z
  .object({
    birthday: z
      .object({ enabled: z.boolean().default(false), reward, text })
      .strict()
      .default({ enabled: false }),
    winBack: z
      .object({ enabled: z.boolean().default(false), days: z.number().int().min(7).max(730).default(60), reward, text })
      .strict()
      .default({ enabled: false, days: 60 }),
    welcome: z
      .object({
        enabled: z.boolean().default(false),
        steps: z
          .array(z.object({ afterDays: z.number().int().min(0).max(90), text: z.string().trim().min(1).max(1000) }).strict())
          .max(10)
          .default([]),
      })
      .strict()
      .default({ enabled: false, steps: [] }),
  })
  .strict();

export type AutomationSettings = z.output<typeof automationSettingsSchema>;
