import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isDomainError, notFound, unauthorized } from '../../../../domain/errors.js';
import { wooOrderActions, type WooOrder } from '../../../../domain/integrations/woocommerce.js';
import { toMerchantUnit, type PurchaseService } from '../../../../domain/purchases/purchase-service.js';
import type { SettingsProvider } from '../../../../domain/merchants/settings.js';
import type { MerchantAuthStore } from '../../../../db/repositories/merchant-auth-store.js';
import { verifyWooSignature } from '../../../auth/signature.js';
import { FORM_URLENCODED } from '../../../body-parsers.js';
import { errorResponses } from '../../../schemas/common.js';

const resultSchema = z
  .object({
    ok: z.literal(true),
    results: z.array(
      z.object({ action: z.string(), outcome: z.string(), orderId: z.string().optional(), refundId: z.string().optional() }),
    ),
  })
  .meta({ id: 'WooCommerceResult' });

/** Outcomes that must not make WooCommerce retry (it disables a webhook after 5 failures). */
const SETTLED = new Set([
  'order_conflict',
  'refund_conflict',
  'already_refunded',
  'order_not_found',
  'refund_exceeds_purchase',
  'invalid_phone',
  'member_blocked',
]);

/**
 * WooCommerce's own webhooks (Settings → Advanced → Webhooks, API version v3): set the delivery
 * URL to /v1/webhooks/woocommerce/<merchantId> and the secret to the merchant's webhook secret.
 * Topics order.created / order.updated; the creation ping (form body webhook_id=…) gets 200.
 */
export const wooCommerceRoutes: FastifyPluginAsyncZod<{
  auth: MerchantAuthStore;
  purchases: PurchaseService;
  settings: SettingsProvider;
}> = async (app, deps) => {
  app.post(
    '/:merchantId',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'WooCommerce order webhooks (no plugin needed)',
        description:
          'Verifies X-WC-Webhook-Signature (base64 HMAC-SHA256 of the body with the webhook secret). Awards when the order is completed (or processing, per setting); reverses on refunded/cancelled and on partial refunds.',
        params: z.object({ merchantId: z.string() }),
        consumes: ['application/json', FORM_URLENCODED],
        errors: ['merchant_not_found', 'invalid_signature'],
        body: z.unknown(),
        response: { 200: resultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { merchantId } = request.params;
      const secrets = await deps.auth.webhookSecrets(merchantId);
      if (!secrets) throw notFound('merchant_not_found', 'No merchant with this id');
      const body = request.body as Record<string, unknown> | undefined;
      const topic = request.headers['x-wc-webhook-topic'];
      if (!topic && body && typeof body === 'object' && 'webhook_id' in body) {
        return { ok: true as const, results: [{ action: 'ping', outcome: 'pong' }] };
      }
      if (!verifyWooSignature(secrets, request.headers['x-wc-webhook-signature'] as string | undefined, request.rawBody ?? '')) {
        throw unauthorized('invalid_signature', 'X-WC-Webhook-Signature does not match the body and the webhook secret');
      }
      if (topic !== 'order.created' && topic !== 'order.updated')
        return { ok: true as const, results: [{ action: 'ignore', outcome: `topic_${String(topic)}` }] };

      const settings = await deps.settings.get(merchantId);
      const results = [];
      for (const action of wooOrderActions(body as unknown as WooOrder, settings.woocommerce.awardOn)) {
        try {
          if (action.kind === 'ignore') {
            results.push({ action: 'ignore', outcome: action.reason });
          } else if (action.kind === 'purchase') {
            const out = await deps.purchases.record(
              merchantId,
              {
                orderId: action.orderId,
                phone: action.phone,
                amount: action.amount,
                currency: action.currency,
                items: action.items,
                occurredAt: action.occurredAt,
              },
              'woocommerce',
            );
            results.push({ action: 'purchase', outcome: out.replayed ? 'already_recorded' : out.status, orderId: action.orderId });
          } else {
            const amount = action.amount === undefined ? undefined : toMerchantUnit(action.amount, action.currency, settings.currency);
            const out = await deps.purchases.refund(
              merchantId,
              { refundId: action.refundId, orderId: action.orderId, amount },
              'woocommerce',
            );
            results.push({
              action: 'refund',
              outcome: out.replayed ? 'already_refunded' : 'refunded',
              orderId: action.orderId,
              refundId: action.refundId,
            });
          }
        } catch (err) {
          if (!isDomainError(err) || !SETTLED.has(err.code)) throw err;
          request.log.warn({ code: err.code, action: action.kind }, 'woocommerce order not applied');
          results.push({ action: action.kind, outcome: err.code, orderId: 'orderId' in action ? action.orderId : undefined });
        }
      }
      return { ok: true as const, results };
    },
  );
};
