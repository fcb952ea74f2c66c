import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WebhookEndpointService } from '../../../domain/webhooks/endpoint-service.js';
import { DELIVERY_STATUSES } from '../../../domain/webhooks/types.js';
import { errorResponses } from '../../schemas/common.js';
import { idParams } from '../../schemas/rewards.js';
import { deliverySchema, endpointBody, endpointSchema, presentDelivery, presentEndpoint } from '../../schemas/webhooks.js';

const security = [{ apiKey: [] }];
const tags = ['webhooks'];
const SIGNING =
  'Each delivery is a POST of the event’s JSON (`{ id, type, api_version, created_at, data }`, see the webhooks of this document) with X-Bashgah-Event, X-Bashgah-Delivery (unique per delivery), X-Bashgah-Timestamp (unix seconds) and X-Bashgah-Signature: `v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>` (two v1= values, comma-separated, while a rotated secret overlaps).';

/** /v1/webhook-endpoints and /v1/webhook-deliveries: the merchant's receivers of the club's events. */
export const webhookEndpointRoutes: FastifyPluginAsyncZod<{ webhookEndpoints: WebhookEndpointService }> = async (
  app,
  { webhookEndpoints: service },
) => {
  app.post(
    '/webhook-endpoints',
    {
      schema: {
        tags,
        summary: 'Add an endpoint that receives events; the answer holds its signing secret, shown only here',
        description: `${SIGNING} URLs must be http(s) on a public address. Deliveries time out after 5 s and are retried with exponential backoff and jitter for 3 days; a 2xx ends them, a 410 disables the endpoint, and so do 3 days of failures.`,
        security,
        errors: ['invalid_webhook_url', 'unknown_event_type', 'webhook_url_not_allowed', 'too_many_webhook_endpoints'],
        body: endpointBody,
        response: { 201: endpointSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(presentEndpoint(await service.create(request.merchantId!, request.body))),
  );

  app.get(
    '/webhook-endpoints',
    {
      schema: {
        tags,
        summary: 'The club’s webhook endpoints (without secrets)',
        security,
        response: { 200: z.object({ endpoints: z.array(endpointSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ endpoints: (await service.list(request.merchantId!)).map(presentEndpoint) }),
  );

  app.get(
    '/webhook-endpoints/:id',
    {
      schema: {
        tags,
        summary: 'One endpoint',
        security,
        errors: ['webhook_endpoint_not_found'],
        params: idParams,
        response: { 200: endpointSchema, ...errorResponses },
      },
    },
    async (request) => presentEndpoint(await service.get(request.merchantId!, request.params.id)),
  );

  app.patch(
    '/webhook-endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Change an endpoint; enabled: true turns a disabled one back on and sends what waited',
        security,
        errors: ['webhook_endpoint_not_found', 'invalid_webhook_url', 'unknown_event_type', 'webhook_url_not_allowed'],
        params: idParams,
        body: endpointBody.partial().strict(),
        response: { 200: endpointSchema, ...errorResponses },
      },
    },
    async (request) => presentEndpoint(await service.update(request.merchantId!, request.params.id, request.body)),
  );

  app.delete(
    '/webhook-endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Remove an endpoint and its deliveries',
        security,
        errors: ['webhook_endpoint_not_found'],
        params: idParams,
        response: { 204: z.null().describe('Removed'), ...errorResponses },
      },
    },
    async (request, reply) => {
      await service.remove(request.merchantId!, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/webhook-endpoints/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'A new signing secret (shown only here); the old one keeps signing beside it for overlap_hours',
        description:
          'During the overlap X-Bashgah-Signature carries `v1=<new>,v1=<old>`: accept a delivery when any v1= value matches a secret you hold, switch to the new secret, and the old signature disappears when the overlap ends. overlap_hours 0 (the default 24) drops the old secret at once.',
        security,
        errors: ['webhook_endpoint_not_found'],
        params: idParams,
        body: z
          .object({ overlap_hours: z.number().min(0).max(168).default(24) })
          .strict()
          .optional(),
        response: { 200: endpointSchema, ...errorResponses },
      },
    },
    async (request) =>
      presentEndpoint(await service.rotateSecret(request.merchantId!, request.params.id, request.body?.overlap_hours ?? 24)),
  );

  app.get(
    '/webhook-endpoints/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The endpoint’s deliveries, newest first: status, attempts, last response code and a short excerpt of its body',
        security,
        errors: ['webhook_endpoint_not_found'],
        params: idParams,
        querystring: z.object({
          status: z.enum(DELIVERY_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(50),
          before: z.string().max(64).optional().describe('A delivery id: the page after it'),
        }),
        response: { 200: z.object({ deliveries: z.array(deliverySchema) }), ...errorResponses },
      },
    },
    async (request) => ({
      deliveries: (await service.deliveries(request.merchantId!, request.params.id, request.query)).map(presentDelivery),
    }),
  );

  app.post(
    '/webhook-endpoints/:id/test',
    {
      schema: {
        tags,
        summary: 'Queue a sample purchase.recorded (id evt_test_…, a made-up member) for this endpoint',
        security,
        errors: ['webhook_endpoint_not_found'],
        params: idParams,
        response: { 202: deliverySchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(202).send(presentDelivery(await service.sendTest(request.merchantId!, request.params.id))),
  );

  app.post(
    '/webhook-deliveries/:id/retry',
    {
      schema: {
        tags,
        summary: 'Send a delivery again: a pending one now, a delivered or failed one as a new delivery of the same event (a replay)',
        security,
        errors: ['webhook_delivery_not_found'],
        params: idParams,
        response: { 202: deliverySchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(202).send(presentDelivery(await service.retry(request.merchantId!, request.params.id))),
  );
};
