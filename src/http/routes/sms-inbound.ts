import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { SmsService } from '../../domain/sms/sms-service.js';
import { FORM_URLENCODED } from '../body-parsers.js';
import { errorBody } from '../errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();
const pick = (o: Record<string, unknown>, keys: string[]) =>
  keys.map((k) => o[k]).find((v): v is string => typeof v === 'string' && v !== '');

/**
 * `/sms/inbound/<SMS_INBOUND_SECRET>`: where a provider pushes the SMS people send to the line,
 * for a faster opt-out than the minutely poll. Assumed shapes (set the URL in the provider's
 * panel): Kavenegar's receive URL calls with `from`, `to`, `message`, `messageid` (GET query or
 * form POST); SMS.ir's webhook posts JSON with `mobile` and `messageText`. Any of those field
 * names is read, from the query, a form or JSON. The secret in the path is the only credential.
 */
export const smsInboundRoute: FastifyPluginAsync<{ sms: SmsService; secret: string }> = async (app, { sms, secret }) => {
  const expected = digest(secret);
  const handle = async (request: FastifyRequest<{ Params: { secret: string } }>) => {
    if (!timingSafeEqual(digest(request.params.secret), expected)) return null;
    const fields = { ...(request.query as Record<string, unknown>), ...((request.body as Record<string, unknown> | undefined) ?? {}) };
    const from = pick(fields, ['from', 'sender', 'mobile', 'Mobile']);
    const text = pick(fields, ['message', 'messageText', 'MessageText', 'text']);
    return { optedOut: from && text ? await sms.receive(from, text) : 0 };
  };
  const route = { schema: { hide: true, consumes: ['application/json', FORM_URLENCODED] } };
  for (const method of ['GET', 'POST'] as const)
    app.route<{ Params: { secret: string } }>({
      method,
      url: '/sms/inbound/:secret',
      ...route,
      handler: async (request, reply) => (await handle(request)) ?? reply.status(404).send(errorBody('route_not_found')),
    });
};
