import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WheelService } from '../../../../domain/rewards/wheel-service.js';
import { errorResponses } from '../../../schemas/common.js';
import { domainBody, wheelSchema } from '../../../schemas/rewards.js';
import { presentWheel } from '../../../presenters/rewards.js';

const security = [{ apiKey: [] }];

export const wheelRoutes: FastifyPluginAsyncZod<{ wheel: WheelService }> = async (app, { wheel }) => {
  app.get(
    '/wheel',
    {
      schema: {
        tags: ['rewards'],
        summary: 'The lucky wheel: prizes, weights, stock, cost and limits',
        security,
        response: { 200: wheelSchema, ...errorResponses },
      },
    },
    async (request) => presentWheel(await wheel.config(request.merchantId!)),
  );

  app.put(
    '/wheel',
    {
      schema: {
        tags: ['rewards'],
        summary: 'Replace the wheel',
        description:
          'Body: { enabled?, costCoins? (0 = free), perDay?, perWeek?, minTier?, prizes: [{ label, kind: points|coins|credit|voucher|gift|nothing, amount?, expiresInDays?, voucherCampaignId?, giftId?, weight | probability, stock? }] }. Weights for every prize, or probabilities adding up to 1. Spins already made keep what they drew.',
        security,
        errors: ['invalid_wheel', 'unknown_voucher_campaign', 'unknown_gift'],
        body: domainBody('See the summary'),
        response: { 200: wheelSchema, ...errorResponses },
      },
    },
    async (request) => presentWheel(await wheel.replace(request.merchantId!, request.body)),
  );
};
