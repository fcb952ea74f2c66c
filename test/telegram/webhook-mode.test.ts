import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildHttpServer } from '../../src/http/server.js';
import { telegramWebhookRoute } from '../../src/channels/telegram/webhook-route.js';
import type { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import { createLogger } from '../../src/logger.js';
import { createTelegramHarness, type TelegramHarness } from '../helpers/telegram.js';
import { freePort } from '../helpers/process.js';

let h: TelegramHarness;
let app: FastifyInstance;
let webhookChannel: TelegramChannel;
let base: string;

beforeAll(async () => {
  h = await createTelegramHarness();
  await h.channel.stop(); // no long polling in this file
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  webhookChannel = h.newChannel({ publicUrl: base });
  app = await buildHttpServer({
    logger: createLogger('silent'),
    checks: { postgres: async () => {}, redis: async () => {} },
    plugins: [async (a) => void (await a.register(telegramWebhookRoute, { telegram: webhookChannel }))],
  });
  await app.listen({ port, host: '127.0.0.1' });
  await webhookChannel.start();
});
afterAll(async () => {
  await webhookChannel.stop();
  await app.close();
  await h.close();
});

describe('webhook mode', () => {
  it('registers PUBLIC_URL/telegram/<merchantId> with a secret token, and answers members through it', async () => {
    const bot = h.api.listBots().find((b) => b.webhook);
    expect(bot?.webhook).toBe(`${base}/telegram/${h.merchantId}`);
    const [welcome] = await h.user(401, 'Sara').send('/start');
    expect(welcome!.text).toContain('خوش آمدید');
  });

  it('refuses requests without the secret token, or with a wrong one (401)', async () => {
    const update = {
      update_id: 999_001,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 402, type: 'private', first_name: 'X' },
        from: { id: 402, is_bot: false, first_name: 'X' },
        text: '/start',
      },
    };
    const none = await app.inject({ method: 'POST', url: `/telegram/${h.merchantId}`, payload: update });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('invalid_secret_token');
    const wrong = await app.inject({
      method: 'POST',
      url: `/telegram/${h.merchantId}`,
      headers: { 'x-telegram-bot-api-secret-token': 'guess' },
      payload: update,
    });
    expect(wrong.statusCode).toBe(401);
    const unknown = await app.inject({
      method: 'POST',
      url: '/telegram/00000000-0000-4000-8000-000000000000',
      headers: { 'x-telegram-bot-api-secret-token': 'x' },
      payload: update,
    });
    expect(unknown.statusCode).toBe(404);
    expect(h.api.transcript(h.token, 402).messages).toHaveLength(0);
  });

  it('an update delivered twice is handled once', async () => {
    const secret = (await h.w.services.merchants.telegramBots()).find((b) => b.merchantId === h.merchantId)!.webhookSecret!;
    const u = h.user(403, 'Reza');
    // The user exists in the local API's chats; Telegram delivers the same update twice.
    h.api.sendText(h.token, u.user, 'hello'); // queue nothing: the webhook gets it; wait for the answer
    await h.api.waitForBot(h.token, 403, { count: 1, timeoutMs: 5000 });
    const update = {
      update_id: 777_777,
      message: {
        message_id: 50,
        date: 0,
        chat: { id: 403, type: 'private', first_name: 'Reza' },
        from: { id: 403, is_bot: false, first_name: 'Reza' },
        text: '/help',
      },
    };
    const headers = { 'x-telegram-bot-api-secret-token': secret };
    const [a, b] = await Promise.all([
      app.inject({ method: 'POST', url: `/telegram/${h.merchantId}`, headers, payload: update }),
      app.inject({ method: 'POST', url: `/telegram/${h.merchantId}`, headers, payload: update }),
    ]);
    // Both requests are answered only once their update was handled (or skipped as seen).
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    const answers = h.api.transcript(h.token, 403).messages.filter((m) => m.outgoing && m.text?.includes('/start'));
    expect(answers).toHaveLength(2); // one for "hello", one (not two) for the duplicated update
  });
});
