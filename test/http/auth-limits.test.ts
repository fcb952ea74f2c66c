import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MerchantAuthStore } from '../../src/db/repositories/merchant-auth-store.js';
import { createTestApi, type TestApi } from '../helpers/http.js';

let t: TestApi;

beforeAll(async () => {
  t = await createTestApi({ failedAuthPerMinute: 5 });
});
afterAll(() => t.close());

const settings = (apiKey: string, remoteAddress: string) =>
  t.app.inject({ method: 'GET', url: '/v1/settings', headers: { authorization: `Bearer ${apiKey}` }, remoteAddress });

describe('unauthenticated traffic', () => {
  it('keeps the webhook-secret cache bounded however many random merchant ids arrive', async () => {
    const store = new MerchantAuthStore(t.w.db.pool, t.w.secretBox, 60_000, 100);
    expect(await store.webhookSecrets(t.merchant.id)).toEqual([t.merchant.webhookSecret]);
    for (let i = 0; i < 2_000; i += 50) await Promise.all(Array.from({ length: 50 }, () => store.webhookSecrets(randomUUID())));
    expect(store.cachedEntries).toBeLessThanOrEqual(110);
    // Random ids go to a cache of their own: the real merchant is still cached and answered.
    expect(await store.webhookSecrets(t.merchant.id)).toEqual([t.merchant.webhookSecret]);
  });

  it('answers 429 with Retry-After after repeated bad credentials from one address; other addresses and good keys are unaffected', async () => {
    for (let i = 0; i < 5; i++) expect((await settings('wrong-key', '127.0.0.2')).statusCode).toBe(401);
    const limited = await settings('wrong-key', '127.0.0.2');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('too_many_failed_auth');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Signed webhooks from that address are refused too, before any lookup.
    const webhook = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks/purchases',
      headers: { 'content-type': 'application/json', 'x-bashgah-merchant': randomUUID() },
      payload: '{}',
      remoteAddress: '127.0.0.2',
    });
    expect(webhook.statusCode).toBe(429);
    expect((await settings('wrong-key', '127.0.0.3')).statusCode).toBe(401);
    for (let i = 0; i < 10; i++) expect((await settings(t.merchant.apiKey, '127.0.0.4')).statusCode).toBe(200);
  });
});
