import { z } from 'zod';
import { parseCalendarDate } from '../../lib/jalali.js';

const money = z.number().int().min(0).max(1e15);
const positiveMoney = z.number().int().min(1).max(1e15);
const count = z.number().int().min(0).max(1e12);

export const WEEKDAYS = ['sat', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24 h, Tehran time)');
/** A Tehran calendar day, written in Jalali (1405/01/01) or Gregorian (2026-03-21). */
const calendarDay = z.string().transform((text, ctx) => {
  const date = parseCalendarDate(text);
  if (!date) {
    ctx.addIssue({ code: 'custom', message: `not a valid date: ${text}` });
    return z.NEVER;
  }
  return date.toISOString().slice(0, 10);
});

const ratePer = <K extends string>(unit: K) =>
  z.object({ [unit]: count, amount: positiveMoney } as Record<K, typeof count> & { amount: typeof positiveMoney });

export const ruleConditionSchema = z
  .object({
    categories: z.array(z.string().min(1)).min(1).optional(),
    weekdays: z.array(z.enum(WEEKDAYS)).min(1).optional(),
    hours: z.object({ from: clock, to: clock }).optional(),
    dates: z.object({ from: calendarDay, to: calendarDay }).optional(),
    tiers: z.array(z.string().min(1)).min(1).optional(),
    branches: z.array(z.string().min(1)).min(1).optional(),
    minAmount: money.optional(),
  })
  .strict();

export const earningRuleSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - (up to 40)'),
    /** Shown to members when we explain their points. */
    name: z.string().max(80).optional(),
    enabled: z.boolean().default(true),
    when: ruleConditionSchema.default({}),
    /** With `when.categories`: multiplies the points of those items; otherwise of the whole purchase. */
    multiplier: z.number().positive().max(100).optional(),
    bonus: z.object({ points: count.optional(), coins: count.optional(), credit: money.optional() }).strict().optional(),
  })
  .strict()
  .refine((r) => r.multiplier !== undefined || r.bonus !== undefined, { message: 'a rule needs a multiplier or a bonus' });

export const tierBenefitSchema = z
  .object({
    pointsMultiplier: z.number().positive().max(100).optional(),
    coinsPerAmount: ratePer('coins').optional(),
    cashbackPercent: z.number().min(0).max(100).optional(),
  })
  .strict();

export const earningSettingsSchema = z
  .object({
    /** The club articles' default: 10 points for each 100,000 Toman. */
    pointsPerAmount: ratePer('points').default({ points: 10, amount: 100_000 }),
    minPurchase: money.default(0),
    coinsPerAmount: ratePer('coins').optional(),
    cashbackPercent: z.number().min(0).max(100).default(0),
    caps: z
      .object({
        pointsPerPurchase: count.optional(),
        pointsPerDay: count.optional(),
        coinsPerDay: count.optional(),
        creditPerDay: money.optional(),
      })
      .strict()
      .default({}),
    rules: z.array(earningRuleSchema).default([]),
    tierBenefits: z.record(z.string(), tierBenefitSchema).default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    s.rules.forEach((r, i) => {
      if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id ${r.id}` });
      ids.add(r.id);
    });
  });

const tierKey = z.string().regex(/^[a-z0-9_-]{1,30}$/, 'lower-case letters, digits, _ and -');

export const tierSettingsSchema = z
  .object({
    /** Points counted for tiers: all ever earned, or those of the last 12 months. */
    window: z.enum(['lifetime', '12m']).default('lifetime'),
    levels: z
      .array(
        z
          .object({
            key: tierKey,
            name: z
              .object({ fa: z.string().min(1), en: z.string().min(1) })
              .strict()
              .optional(),
            threshold: count,
          })
          .strict(),
      )
      .min(1)
      .default([
        { key: 'bronze', threshold: 0 },
        { key: 'silver', threshold: 500 },
        { key: 'gold', threshold: 2_000 },
      ]),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (!t.levels.length) return; // .min(1) has said it
    if (t.levels[0]!.threshold !== 0)
      ctx.addIssue({ code: 'custom', path: ['levels', 0, 'threshold'], message: 'the first tier starts at 0 points' });
    for (let i = 1; i < t.levels.length; i++) {
      if (t.levels[i]!.threshold <= t.levels[i - 1]!.threshold) {
        ctx.addIssue({ code: 'custom', path: ['levels', i, 'threshold'], message: 'thresholds must increase from tier to tier' });
      }
    }
    if (new Set(t.levels.map((l) => l.key)).size !== t.levels.length)
      ctx.addIssue({ code: 'custom', path: ['levels'], message: 'tier keys must be unique' });
  });

export const expirySettingsSchema = z
  .object({
    /** Days until earned credit (cashback) expires; null: never. */
    creditDays: z.number().int().min(1).max(3650).nullable().default(180),
    pointsExpire: z.boolean().default(false),
    pointsDays: z.number().int().min(1).max(3650).default(365),
    /** Members are reminded this many days before credit or points expire. */
    reminderDaysBefore: z.number().int().min(0).max(90).default(7),
  })
  .strict();

export type EarningRule = z.infer<typeof earningRuleSchema>;
export type EarningSettings = z.infer<typeof earningSettingsSchema>;
export type TierSettings = z.infer<typeof tierSettingsSchema>;
export type ExpirySettings = z.infer<typeof expirySettingsSchema>;
