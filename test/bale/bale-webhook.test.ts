import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildHttpServer } from '../../src/http/server.js';
import { baleWebhookRoute } from '../../src/channels/telegram/webhook-route.js';
import type { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import { redactText } from '../../src/lib/log-redaction.js';
import { createLogger } from '../../src/logger.js';
import { createTelegramHarness, type TelegramHarness } from '../helpers/telegram.js';
import { freePort } from '../helpers/process.js';

let h: TelegramHarness;
let app: FastifyInstance;
let webhookChannel: TelegramChannel;
let base: string;

beforeAll(async () => {
  h = await createTelegramHarness({ channel: 'bale' });
  await h.channel.stop(); // no long polling in this file
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  webhookChannel = h.newChannel({ publicUrl: base });
  app = await buildHttpServer({
    logger: createLogger('silent'),
    checks: { postgres: async () => {}, redis: async () => {} },
    plugins: [async (a) => void (await a.register(baleWebhookRoute, { bale: webhookChannel }))],
  });
  await app.listen({ port, host: '127.0.0.1' });
  await webhookChannel.start();
});
afterAll(async () => {
  await webhookChannel.stop();
  await app.close();
  await h.close();
});

const update = (id: number) => ({
  update_id: 990_000 + id,
  message: {
    message_id: 1,
    date: 0,
    chat: { id, type: 'private', first_name: 'X' },
    from: { id, is_bot: false, first_name: 'X' },
    text: '/start',
  },
});

describe('Bale webhook mode (no secret_token on Bale: the secret is in the path)', () => {
  it('registers PUBLIC_URL/bale/<merchantId>/<secret> and answers members through it', async () => {
    const secret = (await h.w.services.merchants.baleBots()).find((b) => b.merchantId === h.merchantId)!.webhookSecret!;
    expect(secret).toMatch(/^[0-9a-f]{48}$/);
    expect(h.api.listBots()[0]!.webhook).toBe(`${base}/bale/${h.merchantId}/${secret}`);
    const [welcome] = await h.user(501, 'Sara').send('/start');
    expect(welcome!.text).toContain('خوش آمدید');
    // The path's secret never reaches a log line.
    expect(redactText(`POST /bale/${h.merchantId}/${secret}`)).not.toContain(secret);
  });

  it('refuses a wrong or missing secret (401) and an unknown club (404), and handles nothing', async () => {
    const wrong = await app.inject({ method: 'POST', url: `/bale/${h.merchantId}/guess`, payload: update(502) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_secret_token');
    const none = await app.inject({ method: 'POST', url: `/bale/${h.merchantId}`, payload: update(502) });
    expect(none.statusCode).toBe(404);
    const unknown = await app.inject({ method: 'POST', url: '/bale/00000000-0000-4000-8000-000000000000/x', payload: update(502) });
    expect(unknown.statusCode).toBe(404);
    expect(h.api.transcript(h.token, 502).messages).toHaveLength(0);
  });
});
