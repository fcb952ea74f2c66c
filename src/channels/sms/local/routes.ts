import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBody } from '../../../http/errors.js';
import { normalizePhone } from '../../../domain/members/phone.js';
import type { LocalSms } from './local-sms.js';

export const LOCAL_SMS_PREFIX = '/local-sms';

/**
 * The local SMS line over HTTP (demo mode and tests), like the local WhatsApp:
 *   GET  /local-sms                                   phones with an inbox
 *   GET  /local-sms/:phone/messages?after=<id>&wait=<ms>   the inbox (long-polled with wait)
 *   POST /local-sms/:phone/replies  { text }          the person answers the club's line (e.g. the opt-out keyword)
 */
export function localSmsRoutes(local: LocalSms): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preClose', async () => local.flush());
    const phoneParams = z.object({ phone: z.string().min(4).max(30) });
    app.get('/', { schema: { hide: true } }, async () => ({ phones: local.phones() }));
    app.get(
      '/:phone/messages',
      {
        schema: {
          hide: true,
          params: phoneParams,
          querystring: z.object({
            after: z.coerce.number().int().min(0).default(0),
            wait: z.coerce.number().int().min(0).max(30_000).default(0),
          }),
        },
      },
      async (request) => ({ messages: await local.messages(request.params.phone, request.query.after, request.query.wait) }),
    );
    app.post(
      '/:phone/replies',
      { schema: { hide: true, params: phoneParams, body: z.object({ text: z.string().min(1).max(1000) }) } },
      async (request, reply) => {
        if (!normalizePhone(request.params.phone)) return reply.status(400).send(errorBody('invalid_phone', 'Not a mobile number'));
        return { message: local.reply(request.params.phone, request.body.text) };
      },
    );
  };
}
