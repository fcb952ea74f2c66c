import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PurchaseService } from '../../../../domain/purchases/purchase-service.js';
import type { SettingsProvider } from '../../../../domain/merchants/settings.js';
import type { VoucherService } from '../../../../domain/rewards/voucher-service.js';
import { recordPurchaseWithVoucher } from '../../../../domain/rewards/purchase-voucher.js';
import { errorResponses } from '../../../schemas/common.js';
import { purchaseBodySchema, purchaseResponseSchema, refundBodySchema, refundResponseSchema } from '../../../schemas/purchases.js';

const security = [{ webhookSignature: [] }];

export const purchaseWebhookRoutes: FastifyPluginAsyncZod<{
  purchases: PurchaseService;
  vouchers: VoucherService;
  settings: SettingsProvider;
}> = async (app, { purchases, vouchers, settings }) => {
  app.post(
    '/purchases',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Record a purchase and award points, coins and cashback; redeem its voucherCode',
        description:
          'Idempotent on orderId: the same body again returns the same result with `Idempotent-Replayed: true`; another body is 409.',
        security,
        errors: [
          'invalid_phone',
          'invalid_member_code',
          'member_required',
          'member_not_found',
          'member_blocked',
          'invalid_order_id',
          'invalid_amount',
          'invalid_branch',
          'invalid_staff_code',
          'order_conflict',
          'amount_too_large',
        ],
        idempotent: true,
        body: purchaseBodySchema,
        response: { 200: purchaseResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const input = { ...b, occurredAt: b.occurredAt ? new Date(b.occurredAt) : undefined };
      const out = await recordPurchaseWithVoucher({ purchases, vouchers, settings }, request.merchantId!, input, request.actor!);
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return {
        purchaseId: out.purchaseId,
        memberId: out.memberId,
        status: out.status,
        awarded: out.awarded,
        balances: out.balances,
        tier: out.tier,
        rules: out.rules,
        voucher: out.voucher,
      };
    },
  );

  app.post(
    '/refunds',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Reverse (part of) a purchase',
        description: 'Idempotent on refundId. Reverses awards proportionally; what the member already spent is owed from later earnings.',
        security,
        errors: [
          'invalid_refund_id',
          'invalid_amount',
          'order_not_found',
          'refund_conflict',
          'refund_exceeds_purchase',
          'already_refunded',
          'stale_purchase',
        ],
        idempotent: true,
        body: refundBodySchema,
        response: { 200: refundResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const out = await purchases.refund(request.merchantId!, request.body, request.actor!);
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      const { replayed: _replayed, ...body } = out;
      return body;
    },
  );
};
