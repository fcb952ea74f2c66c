import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Update } from 'grammy/types';
import { errorBody } from '../../http/errors.js';
import type { TelegramChannel } from './telegram-channel.js';

async function answer(reply: FastifyReply, outcome: 'ok' | 'unknown' | 'forbidden', forbidden: string) {
  if (outcome === 'unknown') return reply.status(404).send(errorBody('unknown_bot', 'No bot for this merchant'));
  if (outcome === 'forbidden') return reply.status(401).send(errorBody('invalid_secret_token', forbidden));
  return { ok: true };
}

/** POST /telegram/:merchantId — Telegram's webhook calls; the secret_token header is required. */
export const telegramWebhookRoute: FastifyPluginAsync<{ telegram: TelegramChannel }> = async (app, { telegram }) => {
  app.post('/telegram/:merchantId', { schema: { hide: true } }, async (request, reply) => {
    const { merchantId } = request.params as { merchantId: string };
    const secret = request.headers['x-telegram-bot-api-secret-token'];
    const outcome = await telegram.handleWebhook(merchantId, typeof secret === 'string' ? secret : undefined, request.body as Update);
    return answer(reply, outcome, 'X-Telegram-Bot-Api-Secret-Token is missing or wrong');
  });
};

/** POST /bale/:merchantId/:secret — Bale's webhook calls: its setWebhook has no secret_token, so the secret is the path's. */
export const baleWebhookRoute: FastifyPluginAsync<{ bale: TelegramChannel }> = async (app, { bale }) => {
  app.post('/bale/:merchantId/:secret', { schema: { hide: true } }, async (request, reply) => {
    const { merchantId, secret } = request.params as { merchantId: string; secret: string };
    const outcome = await bale.handleWebhook(merchantId, secret, request.body as Update);
    return answer(reply, outcome, 'The webhook path is missing its secret or has a wrong one');
  });
};
