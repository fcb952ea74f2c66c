import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { GiftService } from '../../../../domain/rewards/gift-service.js';
import { errorResponses } from '../../../schemas/common.js';
import { domainBody, giftRequestQuery, giftRequestSchema, giftSchema, idParams } from '../../../schemas/rewards.js';
import { presentGift, presentGiftRequest } from '../../../presenters/rewards.js';

const security = [{ apiKey: [] }];
const giftFields =
  'Body: { title, description?, group?, imageUrl?, costCurrency: points|coins|credit, cost, stock? (null = unlimited), visibleFrom?, visibleTo? (ISO moments), tiers?, groups? (member tags), active?, position? }';

export const giftRoutes: FastifyPluginAsyncZod<{ gifts: GiftService }> = async (app, { gifts }) => {
  app.get(
    '/gifts',
    {
      schema: {
        tags: ['rewards'],
        summary: 'The gift catalog',
        security,
        response: { 200: z.object({ gifts: z.array(giftSchema) }), ...errorResponses },
      },
    },
    async (request) => ({
      gifts: (await gifts.list(request.merchantId!)).map(presentGift),
    }),
  );

  app.post(
    '/gifts',
    {
      schema: {
        tags: ['rewards'],
        summary: 'Add a gift',
        description: giftFields,
        security,
        errors: ['invalid_gift'],
        body: domainBody(giftFields),
        response: { 201: giftSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(presentGift(await gifts.create(request.merchantId!, request.body))),
  );

  app.patch(
    '/gifts/:id',
    {
      schema: {
        tags: ['rewards'],
        summary: 'Change some fields of a gift',
        description: giftFields,
        security,
        errors: ['invalid_gift', 'gift_not_found'],
        params: idParams,
        body: domainBody(giftFields),
        response: { 200: giftSchema, ...errorResponses },
      },
    },
    async (request) => presentGift(await gifts.update(request.merchantId!, request.params.id, request.body)),
  );

  app.get(
    '/gift-requests',
    {
      schema: {
        tags: ['rewards'],
        summary: 'The fulfilment queue, newest first',
        security,
        querystring: giftRequestQuery,
        response: { 200: z.object({ requests: z.array(giftRequestSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const list = await gifts.requests(request.merchantId!, {
        status: q.status,
        memberId: q.memberId,
        limit: q.limit,
        before: q.before ? new Date(q.before) : undefined,
      });
      return { requests: list.map(presentGiftRequest) };
    },
  );

  const step = (
    summary: string,
    body: z.ZodObject,
    run: (merchantId: string, id: string, body: Record<string, string | undefined>) => ReturnType<GiftService['approve']>,
  ) => ({
    schema: {
      tags: ['rewards'],
      summary,
      security,
      errors: ['gift_request_not_found', 'invalid_transition'] as const,
      params: idParams,
      body: body.nullish(),
      response: { 200: giftRequestSchema, ...errorResponses },
    },
    handler: async (request: { merchantId?: string; params: { id: string }; body?: unknown }) =>
      presentGiftRequest(await run(request.merchantId!, request.params.id, (request.body ?? {}) as Record<string, string | undefined>)),
  });

  const approve = step('Approve a request (the member is told)', z.object({}).strict(), (m, id) => gifts.approve(m, id));
  app.post('/gift-requests/:id/approve', { schema: approve.schema }, approve.handler);
  const ship = step(
    'Mark a request shipped, with a tracking note (the member is told)',
    z.object({ trackingNote: z.string().max(500).optional() }).strict(),
    (m, id, b) => gifts.ship(m, id, b.trackingNote),
  );
  app.post('/gift-requests/:id/ship', { schema: ship.schema }, ship.handler);
  const reject = step(
    'Reject a request: its cost goes back to the member (the member is told)',
    z.object({ reason: z.string().max(500).optional() }).strict(),
    (m, id, b) => gifts.reject(m, id, b.reason),
  );
  app.post('/gift-requests/:id/reject', { schema: reject.schema }, reject.handler);
};
