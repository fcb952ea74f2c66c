import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/http/auth/signature.js';
import { buildHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { LocalBotApi } from '../../src/channels/telegram/local/local-bot-api.js';
import { localBotApiRoutes } from '../../src/channels/telegram/local/routes.js';
import { createTestApi, type TestApi } from '../helpers/http.js';
import { newPhone } from '../helpers/services.js';

let t: TestApi;
let memberId: string;
let phone: string;

beforeAll(async () => {
  t = await createTestApi();
  phone = newPhone();
  const { member } = await t.w.services.members.register({
    merchantId: t.merchant.id,
    phone,
    channel: 'telegram',
    externalUserId: '77001',
  });
  memberId = member.id;
});
afterAll(() => t.close());

const balances = async () => (await t.api('GET', `/v1/members/${memberId}`)).json().balances;

describe('content types', () => {
  it('a signed form-encoded refund is 415 and refunds nothing', async () => {
    await t.webhook('/v1/webhooks/purchases', { orderId: 'form-1', phone, amount: 100_000 });
    const earned = (await balances()).points;
    expect(earned).toBeGreaterThan(0);
    const raw = 'refundId=r-form-1&orderId=form-1';
    const ts = Math.floor(Date.now() / 1000);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks/refunds',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-bashgah-merchant': t.merchant.id,
        'x-bashgah-timestamp': String(ts),
        'x-bashgah-signature': `v1=${signWebhook(t.merchant.webhookSecret, ts, raw)}`,
      },
      payload: raw,
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
    expect((await balances()).points).toBe(earned);
  });

  it.each([
    ['application/x-www-form-urlencoded', 'currency=points&amount=5&reason=x&idempotencyKey=form-adj'],
    ['text/csv', 'currency,amount\npoints,5\n'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="amount"\r\n\r\n5\r\n--x--\r\n'],
    ['text/plain', '{"currency":"points","amount":5,"reason":"x","idempotencyKey":"plain-adj"}'],
  ])('%s on a JSON route is 415', async (type, payload) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/members/${memberId}/adjustments`,
      headers: { authorization: `Bearer ${t.merchant.apiKey}`, 'content-type': type },
      payload,
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });

  it('the CSV import still takes text/csv', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/members/import',
      headers: { authorization: `Bearer ${t.merchant.apiKey}`, 'content-type': 'text/csv' },
      payload: `phone,first_name\n${newPhone()},سارا\n`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows: 1, created: 1 });
  });

  it('PATCH /v1/settings takes application/merge-patch+json, as the README says', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/v1/settings',
      headers: { authorization: `Bearer ${t.merchant.apiKey}`, 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ api: { rateLimitPerSecond: 77 } }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().api.rateLimitPerSecond).toBe(77);
    expect((await t.api('GET', '/v1/settings')).json().api.rateLimitPerSecond).toBe(77);
  });

  it('a CSV import over 50 MiB is 413 payload_too_large, as the README says', async () => {
    const row = `${'x'.repeat(1023)}\n`;
    const payload = `phone\n${row.repeat(50 * 1024 + 10)}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/members/import',
      headers: { authorization: `Bearer ${t.merchant.apiKey}`, 'content-type': 'text/csv' },
      payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('a JSON body over 1 MiB is 413 payload_too_large on the API-key routes too', async () => {
    const res = await t.api('POST', '/v1/gifts', { title: 'big', costCurrency: 'points', cost: 1, description: 'x'.repeat(1024 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });
});

describe('other plugins on the same server', () => {
  it('the local Bot API (demo mode) still takes form bodies from bots', async () => {
    const api = new LocalBotApi({ deliver: async () => {} });
    const app = await buildHttpServer({
      logger: createLogger('silent'),
      checks: { postgres: async () => {}, redis: async () => {} },
      plugins: [async (a) => void (await a.register(localBotApiRoutes(api), { prefix: '/local-bot-api' }))],
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/local-bot-api/bot123:abc/getMe',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'x=1',
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ ok: true, result: { is_bot: true } });
    } finally {
      await app.close();
    }
  });
});
