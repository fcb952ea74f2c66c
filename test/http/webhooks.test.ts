import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/http/auth/signature.js';
import { createTestApi, type TestApi } from '../helpers/http.js';
import { newPhone } from '../helpers/services.js';

let t: TestApi;

beforeAll(async () => {
  t = await createTestApi({ settings: { earning: { coinsPerAmount: { coins: 1, amount: 50_000 }, cashbackPercent: 2 } } });
});
afterAll(() => t.close());

const purchase = (orderId: string, extra: object = {}) => ({ orderId, phone: newPhone(), amount: 1_000_000, ...extra });

describe('POST /v1/webhooks/purchases', () => {
  it('credits a signed purchase and answers with awards, balances, tier and rules', async () => {
    const res = await t.webhook(
      '/v1/webhooks/purchases',
      purchase('wh-1', { branch: 'vanak', items: [{ sku: 'latte', category: 'coffee', quantity: 2, unitPrice: 500_000 }] }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.json()).toMatchObject({
      status: 'pending_member',
      awarded: { points: 100, coins: 20, credit: 20_000 },
      balances: { points: 100, coins: 20, credit: 20_000 },
      tier: 'bronze',
      rules: ['base'],
    });
    expect(res.json().purchaseId).toMatch(/[0-9a-f-]{36}/);
  });

  it('replays the same body with Idempotent-Replayed and writes nothing; another body is 409', async () => {
    const body = purchase('wh-2');
    const first = await t.webhook('/v1/webhooks/purchases', body);
    const again = await t.webhook('/v1/webhooks/purchases', body);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const conflict = await t.webhook('/v1/webhooks/purchases', { ...body, amount: 999 });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe('order_conflict');
    const n = await t.w.db.pool.query(
      "SELECT count(*)::int AS n FROM ledger_entries e JOIN purchases p ON p.operation_id = e.operation_id WHERE p.order_id = 'wh-2'",
    );
    expect(n.rows[0].n).toBe(3);
  });

  it('50 identical webhooks at once: one credit', async () => {
    const body = purchase('wh-storm');
    const responses = await Promise.all(Array.from({ length: 50 }, () => t.webhook('/v1/webhooks/purchases', body)));
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    const m = await t.w.services.members.findByPhone(t.merchant.id, body.phone);
    expect(m!.balances.points).toBe(100);
  });

  describe('signatures', () => {
    const body = () => purchase(`sig-${Math.random()}`);
    it('accepts any matching v1 value among several (secret rotation)', async () => {
      const b = body();
      const raw = JSON.stringify(b);
      const ts = Math.floor(Date.now() / 1000);
      const res = await t.webhook('/v1/webhooks/purchases', b, {
        signature: `v1=${'0'.repeat(64)}, v1=${signWebhook(t.merchant.webhookSecret, ts, raw)}`,
        timestamp: ts,
      });
      expect(res.statusCode).toBe(200);
    });

    it('accepts the previous secret after rotation, until the next one', async () => {
      const m = await t.newMerchant();
      const { webhookSecret } = await t.w.services.merchants.rotateWebhookSecret(m.id);
      expect((await t.webhook('/v1/webhooks/purchases', body(), { merchant: m })).statusCode).toBe(200);
      expect((await t.webhook('/v1/webhooks/purchases', body(), { merchant: { id: m.id, webhookSecret } })).statusCode).toBe(200);
      await t.w.services.merchants.rotateWebhookSecret(m.id);
      expect((await t.webhook('/v1/webhooks/purchases', body(), { merchant: m })).statusCode).toBe(401);
    });

    it.each([
      ['a wrong signature', { signature: `v1=${'ab'.repeat(32)}` }, 'invalid_signature'],
      ['no v1 value', { signature: 'v0=abc' }, 'missing_signature'],
      ['a timestamp 301 s old', { timestamp: -301 }, 'stale_timestamp'],
      ['a timestamp 301 s ahead', { timestamp: 301 }, 'stale_timestamp'],
      ['an unknown merchant', { merchant: { id: '00000000-0000-4000-8000-000000000000', webhookSecret: 'x' } }, 'unknown_merchant'],
      [
        'a body changed after signing',
        { raw: '{"orderId":"x","phone":"09121112233","amount":5}', signature: undefined },
        'invalid_signature',
      ],
    ])('refuses %s with 401', async (_name, opts, code) => {
      let options: Parameters<TestApi['webhook']>[2] = opts as never;
      // Skews are relative to the moment the request is sent.
      if ('timestamp' in opts) options = { timestamp: Math.floor(Date.now() / 1000) + (opts.timestamp as number) };
      if ('raw' in opts) {
        const ts = Math.floor(Date.now() / 1000);
        options = {
          raw: opts.raw,
          timestamp: ts,
          signature: `v1=${signWebhook(t.merchant.webhookSecret, ts, '{"orderId":"x","phone":"09121112233","amount":6}')}`,
        };
      }
      const res = await t.webhook('/v1/webhooks/purchases', body(), options);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe(code);
    });

    it('refuses a request without any signature headers', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/webhooks/purchases',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body()),
      });
      expect(res.statusCode).toBe(401);
    });
  });

  describe('bad input: 4xx with a code, and nothing written', () => {
    it.each([
      ['amount 0', { amount: 0 }, 'amount'],
      ['negative amount', { amount: -5 }, 'amount'],
      ['fractional amount', { amount: 10.5 }, 'amount'],
      ['amount above 10^15', { amount: 1e15 + 1 }, 'amount'],
      ['amount as a string', { amount: '1000' }, 'amount'],
      ['an unknown field', { tip: 100 }, 'tip'],
      ['no phone or member code', { phone: undefined }, 'phone'],
      ['orderId too long', { orderId: 'x'.repeat(129) }, 'orderId'],
      ['a bad currency', { currency: 'USD' }, 'currency'],
      ['a bad date', { occurredAt: 'yesterday' }, 'occurredAt'],
    ])('%s → 400 naming the field', async (_name, patch, field) => {
      const body = { ...purchase(`bad-${field}-${Math.random()}`), ...patch };
      const res = await t.webhook('/v1/webhooks/purchases', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(JSON.stringify(res.json().error.details)).toContain(field);
    });

    it('a phone that is not a mobile number → 400 invalid_phone', async () => {
      const res = await t.webhook('/v1/webhooks/purchases', purchase('bad-phone', { phone: '021-12345678' }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_phone', details: { field: 'phone' } });
    });

    it('malformed JSON → 400; wrong content type → 415; over 1 MiB → 413', async () => {
      const bad = await t.webhook('/v1/webhooks/purchases', null, { raw: '{"orderId": "x",' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('invalid_json');
      const text = await t.app.inject({
        method: 'POST',
        url: '/v1/webhooks/purchases',
        headers: { 'content-type': 'text/plain' },
        payload: 'hello',
      });
      const xml = await t.app.inject({
        method: 'POST',
        url: '/v1/webhooks/purchases',
        headers: { 'content-type': 'application/xml' },
        payload: '<order/>',
      });
      expect(xml.statusCode).toBe(415);
      expect(text.statusCode).toBe(415);
      expect(text.json().error.code).toBe('unsupported_media_type');
      const huge = await t.webhook('/v1/webhooks/purchases', null, {
        raw: JSON.stringify({ orderId: 'big', phone: '09121112233', amount: 1, pad: 'x'.repeat(1024 * 1024) }),
      });
      expect(huge.statusCode).toBe(413);
      expect(huge.json().error.code).toBe('payload_too_large');
    });

    it('wrote nothing for any of the above', async () => {
      const n = await t.w.db.pool.query("SELECT count(*)::int AS n FROM purchases WHERE order_id LIKE 'bad-%' OR order_id IN ('x', 'big')");
      expect(n.rows[0].n).toBe(0);
    });
  });
});

describe('POST /v1/webhooks/refunds', () => {
  it('partial and full refunds after the member spent part of the reward', async () => {
    const body = purchase('rf-order');
    const bought = (await t.webhook('/v1/webhooks/purchases', body)).json();
    // The member spends 15 of their 20 coins on the wheel.
    await t.w.services.ledger.spend({
      merchantId: t.merchant.id,
      memberId: bought.memberId,
      currency: 'coins',
      amount: 15,
      reason: 'wheel',
      idempotencyKey: 'spin-rf',
      actor: 'member',
    });
    const part = await t.webhook('/v1/webhooks/refunds', { refundId: 'rf-1', orderId: 'rf-order', amount: 250_000 });
    expect(part.statusCode).toBe(200);
    expect(part.json()).toMatchObject({
      reversed: { points: 25, coins: 5, credit: 5_000 },
      shortfall: { coins: 0 },
      balances: { points: 75, coins: 0, credit: 15_000 },
      remaining: 750_000,
    });
    const full = await t.webhook('/v1/webhooks/refunds', { refundId: 'rf-2', orderId: 'rf-order' });
    expect(full.json()).toMatchObject({
      reversed: { points: 75, coins: 15, credit: 15_000 },
      shortfall: { coins: 15 },
      balances: { points: 0, coins: 0, credit: 0 },
      remaining: 0,
    });
    const replay = await t.webhook('/v1/webhooks/refunds', { refundId: 'rf-2', orderId: 'rf-order' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(full.json());
  });

  it('unknown order → 404, more than remains → 422', async () => {
    const missing = await t.webhook('/v1/webhooks/refunds', { refundId: 'rf-x', orderId: 'no-such-order' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('order_not_found');
    await t.webhook('/v1/webhooks/purchases', purchase('rf-small', { amount: 100_000 }));
    const tooMuch = await t.webhook('/v1/webhooks/refunds', { refundId: 'rf-y', orderId: 'rf-small', amount: 100_001 });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().error).toMatchObject({ code: 'refund_exceeds_purchase', details: { remaining: 100_000 } });
  });
});

describe('pending member, then join', () => {
  it('a purchase before joining appears in the member’s balance once they join', async () => {
    const phone = newPhone();
    await t.webhook('/v1/webhooks/purchases', { orderId: 'pj-1', phone, amount: 500_000 });
    const { member, claimed } = await t.w.services.members.register({
      merchantId: t.merchant.id,
      phone,
      channel: 'telegram',
      externalUserId: '424242',
    });
    expect(claimed).toBe(true);
    expect(member.balances.points).toBe(50);
    const after = await t.webhook('/v1/webhooks/purchases', { orderId: 'pj-2', phone, amount: 100_000 });
    expect(after.json()).toMatchObject({ status: 'credited', balances: { points: 60 } });
  });
});
