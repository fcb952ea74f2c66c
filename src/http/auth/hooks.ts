import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../../domain/errors.js';
import type { MerchantAuthStore } from '../../db/repositories/merchant-auth-store.js';
import { verifyWebhookSignature } from './signature.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by authentication: every route under /v1 acts for this merchant only. */
    merchantId?: string;
    /** Who the ledger records as acting: `webhook`, `api:<key prefix>`, … */
    actor?: string;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Signed webhooks: merchant id header, timestamp within tolerance, HMAC over timestamp.body. */
export function webhookAuth(store: MerchantAuthStore, toleranceSeconds: number, now: () => number = Date.now) {
  return async (request: FastifyRequest) => {
    const merchantId = header(request, 'x-bashgah-merchant');
    const secrets = merchantId ? await store.webhookSecrets(merchantId) : null;
    if (!merchantId || !secrets) throw unauthorized('unknown_merchant', 'X-Bashgah-Merchant does not name a merchant');
    const check = verifyWebhookSignature({
      secrets,
      timestamp: header(request, 'x-bashgah-timestamp'),
      header: header(request, 'x-bashgah-signature'),
      rawBody: request.rawBody ?? '',
      nowSeconds: Math.floor(now() / 1000),
      toleranceSeconds,
    });
    if (check !== 'ok') throw unauthorized(check);
    request.merchantId = merchantId;
    request.actor = 'webhook';
  };
}

/** Merchant API: `Authorization: Bearer <api key>`. */
export function apiKeyAuth(store: MerchantAuthStore) {
  return async (request: FastifyRequest) => {
    const auth = header(request, 'authorization');
    const key = auth?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!key) throw unauthorized('missing_api_key', 'Send the API key as Authorization: Bearer <key>');
    const merchantId = await store.merchantForApiKey(key);
    if (!merchantId) throw unauthorized('invalid_api_key', 'This API key is not valid (revoked or mistyped)');
    request.merchantId = merchantId;
    request.actor = `api:${key.slice(0, 10)}`;
  };
}
