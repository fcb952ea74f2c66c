import type { FastifyPluginAsync } from 'fastify';
import type { Update } from 'grammy/types';
import { errorBody } from '../../http/errors.js';
import type { TelegramChannel } from './telegram-channel.js';

/** POST /telegram/:merchantId — Telegram's webhook calls; the secret_token header is required. */
export const telegramWebhookRoute: FastifyPluginAsync<{ telegram: TelegramChannel }> = async (app, { telegram }) => {
  app.post('/telegram/:merchantId', { schema: { hide: true } }, async (request, reply) => {
    const { merchantId } = request.params as { merchantId: string };
    const secret = request.headers['x-telegram-bot-api-secret-token'];
    const outcome = await telegram.handleWebhook(merchantId, typeof secret === 'string' ? secret : undefined, request.body as Update);
    if (outcome === 'unknown') return reply.status(404).send(errorBody('unknown_bot', 'No bot for this merchant'));
    if (outcome === 'forbidden')
      return reply.status(401).send(errorBody('invalid_secret_token', 'X-Telegram-Bot-Api-Secret-Token is missing or wrong'));
    return { ok: true };
  });
};
