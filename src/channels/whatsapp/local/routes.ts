import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { MerchantService } from '../../../domain/merchants/merchant-service.js';
import { errorBody } from '../../../http/errors.js';
import { WhatsAppSendError } from '../client.js';
import type { LocalWhatsApp } from './local-whatsapp.js';

export const LOCAL_WHATSAPP_PREFIX = '/local-whatsapp';

/**
 * The local WhatsApp over HTTP (demo mode and tests), like the local Bot API:
 *   GET  /local-whatsapp                                  clubs and their numbers
 *   POST /local-whatsapp/:merchantId/messages             { from, text, name? } → { replies }
 *   GET  /local-whatsapp/:merchantId/chats/:phone/messages?after=<id>&wait=<ms>
 */
export function localWhatsAppRoutes(local: LocalWhatsApp, merchants: MerchantService): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preClose', async () => local.flush());
    app.get('/', { schema: { hide: true } }, async () => ({
      clubs: (await merchants.whatsappAccounts()).map((a) => ({ ...a, running: local.has(a.merchantId) })),
    }));

    app.post(
      '/:merchantId/messages',
      {
        schema: {
          hide: true,
          params: z.object({ merchantId: z.string() }),
          body: z.object({ from: z.string().min(1).max(30), text: z.string().max(4096), name: z.string().max(60).optional() }),
        },
      },
      async (request, reply) => {
        try {
          const replies = await local.receive(request.params.merchantId, request.body.from, request.body.text, request.body.name);
          return { replies };
        } catch (err) {
          if (err instanceof WhatsAppSendError)
            return reply
              .status(err.kind === 'not_ready' ? 503 : 400)
              .send(errorBody(err.kind === 'not_ready' ? 'whatsapp_not_running' : 'invalid_phone', err.message));
          throw err;
        }
      },
    );

    app.get(
      '/:merchantId/chats/:phone/messages',
      {
        schema: {
          hide: true,
          params: z.object({ merchantId: z.string(), phone: z.string() }),
          querystring: z.object({
            after: z.coerce.number().int().min(0).default(0),
            wait: z.coerce.number().int().min(0).max(30_000).default(0),
          }),
        },
      },
      async (request) => ({
        messages: await local.messages(request.params.merchantId, request.params.phone, request.query.after, request.query.wait),
      }),
    );
  };
}
