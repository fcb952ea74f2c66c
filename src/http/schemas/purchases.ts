import { z } from 'zod';
import { balancesSchema, itemSchema, positiveMoney } from './common.js';
import { purchaseVoucherSchema } from './rewards.js';

export const purchaseBodySchema = z
  .object({
    orderId: z.string().min(1).max(128),
    phone: z.string().min(1).max(32).optional().describe('Any Iranian form and digit script: 0912…, +98912…, ۰۹۱۲…'),
    memberCode: z.string().min(1).max(16).optional(),
    amount: positiveMoney.describe('Whole units of `currency` (Toman by default), at most 10^15'),
    currency: z.enum(['IRT', 'IRR']).optional(),
    items: z.array(itemSchema).max(500).optional(),
    branch: z.string().min(1).max(64).optional(),
    occurredAt: z.iso.datetime({ offset: true }).optional(),
    voucherCode: z.string().min(1).max(64).optional(),
    staffCode: z.string().min(1).max(64).optional(),
  })
  .strict()
  .refine((b) => b.phone !== undefined || b.memberCode !== undefined, { message: 'phone or memberCode is required', path: ['phone'] })
  .meta({ id: 'PurchaseWebhook' });

export const purchaseResponseSchema = z
  .object({
    purchaseId: z.string(),
    memberId: z.string(),
    status: z.enum(['credited', 'pending_member']),
    awarded: balancesSchema,
    balances: balancesSchema,
    tier: z.string(),
    rules: z.array(z.string()).describe('Ids of the earning rules that applied'),
    voucher: purchaseVoucherSchema.optional(),
  })
  .meta({ id: 'PurchaseResult' });

export const refundBodySchema = z
  .object({
    refundId: z.string().min(1).max(128),
    orderId: z.string().min(1).max(128),
    amount: positiveMoney.optional().describe('Omit to refund everything that remains'),
    items: z.array(itemSchema).max(500).optional(),
  })
  .strict()
  .meta({ id: 'RefundWebhook' });

export const refundResponseSchema = z
  .object({
    refundId: z.string(),
    purchaseId: z.string(),
    memberId: z.string(),
    amount: z.number().int(),
    reversed: balancesSchema,
    shortfall: balancesSchema.describe('Already spent by the member: taken from their next earnings'),
    balances: balancesSchema,
    refundedTotal: z.number().int(),
    remaining: z.number().int(),
  })
  .meta({ id: 'RefundResult' });
