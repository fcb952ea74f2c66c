import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { openApiTransform } from './openapi.js';
import { eventWebhookDocs } from './event-docs.js';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { InFlight } from '../lib/in-flight.js';
import type { ApiServices } from './api-services.js';
import type { MerchantAuthStore } from '../db/repositories/merchant-auth-store.js';
import { errorBody, handleError } from './errors.js';
import { registerBodyParsers } from './body-parsers.js';
import { rejectUnstorableText } from './text-guard.js';
import { registerRateLimit } from './rate-limit.js';
import { healthRoutes, type HealthChecks } from './routes/health.js';
import { v1Routes } from './routes/v1/index.js';
import { shortLinkRoutes } from './routes/short-links.js';
import { panelRoutes, type PanelDeps } from './panel/index.js';

export interface HttpServices {
  services: ApiServices;
  auth: MerchantAuthStore;
  webhookToleranceSeconds: number;
  /** Answers of 401 per client address and minute before its requests get 429. */
  failedAuthPerMinute?: number;
}

export interface HttpDeps {
  logger: Logger;
  checks: HealthChecks;
  /** Without it only the health routes exist (used by tests of the bare server). */
  api?: HttpServices & { redis: Redis; redisPrefix: string; rateLimitPerSecond: number };
  /** The merchant web panel at /panel; without it there is none. */
  panel?: PanelDeps;
  /** Counts the /v1 requests being served, for background work in the same process. */
  inFlight?: InFlight;
  /** Demo mode: short links to the local bots lead to the playground (see shortLinkRoutes); absent otherwise. */
  localLinks?: (url: string) => string | null;
  /** Extra route plugins from other parts of the app (Telegram webhook, playground). */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
}

export const BODY_LIMIT = 1024 * 1024;

/** Builds the Fastify app: plugins, then routes; listening is the caller's business. */
export async function buildHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('route_not_found', `No route ${request.method} ${request.url.split('?')[0]}`));
  });
  registerBodyParsers(app);
  app.addHook('preHandler', rejectUnstorableText);

  const events = eventWebhookDocs();
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bashgah merchant API',
        version: '1',
        description:
          'Signed webhooks for purchases and refunds, and the API-key merchant API. Errors are `{ "error": { "code", "message", "details"? } }`. Under `webhooks`: the events the club sends to the merchant’s webhook endpoints, each with its payload schema.',
      },
      webhooks: events.webhooks,
      components: {
        schemas: events.schemas,
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key from `bashgah merchant create`>' },
          webhookSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Bashgah-Signature',
            description:
              'v1=<hex HMAC-SHA256(webhookSecret, X-Bashgah-Timestamp + "." + raw body)>, with X-Bashgah-Merchant and X-Bashgah-Timestamp',
          },
        },
      },
    },
    transform: openApiTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { checks: deps.checks });
  if (deps.api) {
    await registerRateLimit(app, {
      redis: deps.api.redis,
      prefix: deps.api.redisPrefix,
      perSecond: deps.api.rateLimitPerSecond,
      settings: deps.api.services.settings,
    });
    await app.register(v1Routes, { prefix: '/v1', ...deps.api, inFlight: deps.inFlight });
    await app.register(shortLinkRoutes, { links: deps.api.services.shortLinks, local: deps.localLinks });
  }
  if (deps.panel) await app.register(panelRoutes(deps.panel), { prefix: '/panel' });
  for (const plugin of deps.plugins ?? []) await plugin(app);
  return app;
}
