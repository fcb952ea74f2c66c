import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { SettingsProvider } from '../domain/merchants/settings.js';

/**
 * Per merchant, counted in Redis so every replica shares the budget. It runs as a preHandler,
 * after authentication (onRequest / preValidation) has named the merchant: unauthenticated
 * callers cannot spend a merchant's budget.
 */
export async function registerRateLimit(
  app: FastifyInstance,
  opts: { redis: Redis; prefix: string; perSecond: number; settings: SettingsProvider },
) {
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    redis: opts.redis,
    nameSpace: `${opts.prefix}:rate:`,
    timeWindow: 1000,
    allowList: (request) => !request.merchantId,
    keyGenerator: (request) => request.merchantId!,
    max: async (request) => {
      const settings = await opts.settings.get(request.merchantId!).catch(() => undefined);
      return settings?.api.rateLimitPerSecond ?? opts.perSecond;
    },
    errorResponseBuilder: (_request, context) => {
      const err = new Error(`More than ${context.max} requests per second for this merchant; retry after ${context.after}`) as Error & {
        statusCode: number;
      };
      err.statusCode = 429;
      return err;
    },
  });
}
