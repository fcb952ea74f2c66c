import { z } from 'zod';
import { balancesSchema } from './common.js';
import { CHANNELS } from '../../domain/members/types.js';

export const memberSchema = z
  .object({
    id: z.string(),
    phone: z.string().describe('E.164'),
    memberCode: z.string(),
    referralCode: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    birthDate: z.string().nullable().describe('YYYY-MM-DD (Gregorian)'),
    birthDateJalali: z.string().nullable().describe('YYYY/MM/DD (Jalali)'),
    gender: z.enum(['male', 'female']).nullable(),
    city: z.string().nullable(),
    sourceTag: z.string().nullable(),
    referrerId: z.string().nullable(),
    status: z.enum(['pending', 'active', 'blocked']),
    optedOut: z.boolean(),
    locale: z.string().nullable(),
    tags: z.array(z.string()),
    tier: z.string(),
    progress: z.object({
      qualifyingPoints: z.number().int(),
      next: z.object({ tier: z.string(), threshold: z.number().int(), pointsToGo: z.number().int(), percent: z.number().int() }).optional(),
    }),
    balances: balancesSchema,
    debts: balancesSchema,
    purchaseCount: z.number().int(),
    purchaseTotal: z.number().int(),
    lastPurchaseAt: z.string().nullable(),
    channels: z
      .array(
        z.object({
          channel: z.enum(CHANNELS),
          reachable: z.boolean().describe('false once the member blocked the bot or left; true again when they write there'),
          unreachableSince: z.string().nullable(),
          lastSeenAt: z.string().nullable().describe('Their last message or button press here; null if none since it was linked'),
          linkedAt: z.string(),
        }),
      )
      .describe('The chats the member is in the club from'),
    preferredChannel: z
      .enum(CHANNELS)
      .nullable()
      .describe(
        'Chosen by the member in the profile; null: the chat they used last. Account messages and broadcasts go there first, then Telegram, Bale, WhatsApp, SMS',
      ),
    reachOrder: z
      .array(z.enum(CHANNELS))
      .describe('Where an account message goes now: the first, then the next while one turns out unreachable (channels the club runs)'),
    createdAt: z.string(),
    joinedAt: z.string().nullable(),
  })
  .meta({ id: 'Member' });

export const memberIdParams = z.object({ id: z.string() });

export const memberLookupQuery = z
  .object({ phone: z.string().min(1).max(32).optional(), code: z.string().min(1).max(16).optional() })
  .strict()
  .refine((q) => (q.phone === undefined) !== (q.code === undefined), { message: 'give exactly one of phone or code', path: ['phone'] });

export const ledgerQuery = z
  .object({
    cursor: z
      .string()
      .regex(/^\d{1,16}$/, 'a cursor from the previous page')
      .refine((c) => Number.isSafeInteger(Number(c)), 'a cursor from the previous page')
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const ledgerPageSchema = z
  .object({
    entries: z.array(
      z.object({
        id: z.number().int(),
        currency: z.enum(['points', 'coins', 'credit']),
        amount: z.number().int(),
        balanceAfter: z.number().int(),
        reason: z.string(),
        refType: z.string().nullable(),
        refId: z.string().nullable(),
        actor: z.string(),
        createdAt: z.string(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'LedgerPage' });

export const adjustmentBodySchema = z
  .object({
    currency: z.enum(['points', 'coins', 'credit']),
    amount: z
      .number()
      .int()
      .min(-1e15)
      .max(1e15)
      .refine((n) => n !== 0, 'must not be zero')
      .describe('Positive adds, negative takes away'),
    reason: z.string().min(1).max(200),
    idempotencyKey: z.string().min(1).max(128),
  })
  .strict()
  .meta({ id: 'Adjustment' });

export const adjustmentResponseSchema = z
  .object({ operationId: z.number().int(), memberId: z.string(), balances: balancesSchema, tier: z.string() })
  .meta({ id: 'AdjustmentResult' });
