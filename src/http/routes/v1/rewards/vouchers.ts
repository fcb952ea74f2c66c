import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { VoucherService } from '../../../../domain/rewards/voucher-service.js';
import { errorResponses } from '../../../schemas/common.js';
import {
  campaignSchema,
  domainBody,
  idParams,
  redeemBodySchema,
  redeemResponseSchema,
  validateBodySchema,
  validateResponseSchema,
} from '../../../schemas/rewards.js';
import { presentCampaign } from '../../../presenters/rewards.js';

const security = [{ apiKey: [] }];
const campaignFields =
  'Body: { name, kind: percent|fixed|free_shipping|gift_item, value (percent or amount), maxDiscount?, giftItem?, sharedCode? (one code for many; else single-use codes in batches), totalLimit?, perMemberLimit?, validFrom?, validTo? (Jalali or Gregorian days, whole Tehran days, or ISO moments), minPurchase?, categories?, tiers?, coinPrice? (members may buy a code with coins), active? }';

const changeFields =
  'Body, any of: { name, active (false: its codes are refused until it is on again), validTo (a day or moment, null: no end), totalLimit, perMemberLimit (null: none) }. The discount itself does not change once codes are out.';

export const voucherRoutes: FastifyPluginAsyncZod<{ vouchers: VoucherService }> = async (app, { vouchers }) => {
  app.get(
    '/vouchers/campaigns',
    {
      schema: {
        tags: ['vouchers'],
        summary: 'Voucher campaigns, with codes issued and redeemed',
        security,
        response: { 200: z.object({ campaigns: z.array(campaignSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ campaigns: (await vouchers.campaigns(request.merchantId!)).map(presentCampaign) }),
  );

  app.post(
    '/vouchers/campaigns',
    {
      schema: {
        tags: ['vouchers'],
        summary: 'Create a voucher campaign',
        description: campaignFields,
        security,
        errors: ['invalid_campaign', 'invalid_code', 'shared_code_taken'],
        body: domainBody(campaignFields),
        response: { 201: campaignSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(presentCampaign(await vouchers.createCampaign(request.merchantId!, request.body))),
  );

  app.patch(
    '/vouchers/campaigns/:id',
    {
      schema: {
        tags: ['vouchers'],
        summary: 'Pause, end, rename a voucher campaign or change its limits',
        description: changeFields,
        security,
        errors: ['invalid_campaign', 'campaign_not_found'],
        params: idParams,
        body: domainBody(changeFields),
        response: { 200: campaignSchema, ...errorResponses },
      },
    },
    async (request) => presentCampaign(await vouchers.updateCampaign(request.merchantId!, request.params.id, request.body)),
  );

  app.post(
    '/vouchers/campaigns/:id/codes',
    {
      schema: {
        tags: ['vouchers'],
        summary: 'Generate a batch of single-use codes (10 characters, no 0/1/I/L/O/U)',
        security,
        errors: ['campaign_not_found', 'shared_campaign', 'invalid_count'],
        params: idParams,
        body: z.object({ count: z.number().int().min(1).max(10_000) }).strict(),
        response: { 201: z.object({ codes: z.array(z.string()) }), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send({ codes: await vouchers.generate(request.merchantId!, request.params.id, request.body.count) }),
  );

  app.post(
    '/vouchers/campaigns/:id/assign',
    {
      schema: {
        tags: ['vouchers'],
        summary: 'Give a member a code of this campaign (it shows under "my vouchers")',
        security,
        errors: ['campaign_not_found', 'unknown_member'],
        params: idParams,
        body: z.object({ memberId: z.uuid() }).strict(),
        response: { 201: z.object({ code: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send({ code: await vouchers.give(request.merchantId!, request.params.id, request.body.memberId, 'api') }),
  );

  app.post(
    '/vouchers/validate',
    {
      schema: {
        tags: ['vouchers'],
        summary: 'Does a code apply to this basket? The discount, or the reason it does not apply',
        security,
        errors: ['member_not_found', 'invalid_phone'],
        body: validateBodySchema,
        response: { 200: validateResponseSchema, ...errorResponses },
      },
    },
    async (request) => vouchers.validate(request.merchantId!, request.body),
  );

  app.post(
    '/vouchers/redeem',
    {
      schema: {
        tags: ['vouchers'],
        summary: 'Redeem a code for an order',
        description:
          'Idempotent on orderId (same body again replays with `Idempotent-Replayed: true`; another body is 409). A single-use code is redeemed once, also when orders race for it; a refused code is 422 with the reason.',
        security,
        errors: [
          'invalid_code',
          'member_not_found',
          'invalid_phone',
          'redemption_conflict',
          ...(
            [
              'unknown_code',
              'already_redeemed',
              'not_yours',
              'inactive',
              'not_started',
              'expired',
              'below_minimum',
              'no_matching_items',
              'tier_not_allowed',
              'limit_reached',
              'member_limit_reached',
            ] as const
          ).map((r) => `voucher_${r}` as const),
        ],
        idempotent: true,
        body: redeemBodySchema,
        response: { 200: redeemResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { replayed, ...out } = await vouchers.redeem(request.merchantId!, request.body);
      if (replayed) reply.header('idempotent-replayed', 'true');
      return out;
    },
  );
};
