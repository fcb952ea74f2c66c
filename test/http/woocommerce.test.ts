import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/http.js';

let t: TestApi;
const order = JSON.parse(readFileSync(new URL('../fixtures/woocommerce-order.json', import.meta.url), 'utf8'));

beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

/** What WooCommerce sends: JSON body, topic headers, base64 HMAC-SHA256 of the body. */
function deliver(body: unknown, topic = 'order.updated', secret = t.merchant.webhookSecret, merchantId = t.merchant.id) {
  const raw = JSON.stringify(body);
  return t.app.inject({
    method: 'POST',
    url: `/v1/webhooks/woocommerce/${merchantId}`,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'WooCommerce/8.9.1 Hookshot (WordPress/6.5)',
      'x-wc-webhook-source': 'https://shop.example.ir/',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': topic.split('.')[1]!,
      'x-wc-webhook-signature': createHmac('sha256', secret).update(raw).digest('base64'),
      'x-wc-webhook-id': '12',
      'x-wc-webhook-delivery-id': 'a1b2c3',
    },
    payload: raw,
  });
}

describe('WooCommerce webhooks', () => {
  it('answer the creation ping (form body, unsigned) with 200', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/webhooks/woocommerce/${t.merchant.id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'webhook_id=12',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0]).toEqual({ action: 'ping', outcome: 'pong' });
  });

  it('refuse a bad signature and an unknown merchant', async () => {
    expect((await deliver(order, 'order.updated', 'whsec_wrong')).statusCode).toBe(401);
    expect((await deliver(order, 'order.updated', t.merchant.webhookSecret, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('ignore a processing order by default, award it when completed, once', async () => {
    const processing = await deliver({ ...order, id: 801 }, 'order.created');
    expect(processing.json().results).toEqual([{ action: 'ignore', outcome: 'status_processing' }]);
    const completed = { ...order, id: 801, status: 'completed', date_completed_gmt: '2026-11-22T14:00:00' };
    const first = await deliver(completed);
    expect(first.statusCode).toBe(200);
    expect(first.json().results).toEqual([{ action: 'purchase', outcome: 'pending_member', orderId: 'wc-801' }]);
    const again = await deliver(completed);
    expect(again.json().results[0].outcome).toBe('already_recorded');
    const member = await t.w.services.members.findByPhone(t.merchant.id, '09123456789');
    expect(member!.balances.points).toBe(145); // 1,450,000 Toman
  });

  it('award at processing when the merchant chose so, and take back partial refunds', async () => {
    const m = await t.newMerchant({ woocommerce: { awardOn: 'processing' } });
    const send = (body: unknown) => deliver(body, 'order.updated', m.webhookSecret, m.id);
    const first = await send({ ...order, id: 900, billing: { ...order.billing, phone: '09350001122' } });
    expect(first.json().results[0]).toMatchObject({ action: 'purchase', outcome: 'pending_member' });
    const refunded = {
      ...order,
      id: 900,
      billing: { ...order.billing, phone: '09350001122' },
      status: 'completed',
      refunds: [{ id: 905, reason: 'مرجوعی ماگ', total: '-500000' }],
    };
    const res = await send(refunded);
    expect(res.json().results).toEqual([
      { action: 'purchase', outcome: 'already_recorded', orderId: 'wc-900' },
      { action: 'refund', outcome: 'refunded', orderId: 'wc-900', refundId: 'wc-refund-905' },
    ]);
    const member = await t.w.services.members.findByPhone(m.id, '09350001122');
    expect(member!.balances.points).toBe(145 - 50);
    // Cancelled afterwards: everything that remains is reversed.
    const cancelled = await send({ ...refunded, status: 'cancelled' });
    expect(cancelled.json().results[0]).toMatchObject({ action: 'refund', outcome: 'refunded' });
    expect((await t.w.services.members.findByPhone(m.id, '09350001122'))!.balances.points).toBe(0);
  });

  it('a refunded order that never earned, or an order without a phone, is answered 200 and ignored', async () => {
    const neverEarned = await deliver({ ...order, id: 950, status: 'refunded' });
    expect(neverEarned.statusCode).toBe(200);
    expect(neverEarned.json().results[0]).toMatchObject({ action: 'refund', outcome: 'order_not_found' });
    const noPhone = await deliver({ ...order, id: 951, status: 'completed', billing: { ...order.billing, phone: '' } });
    expect(noPhone.json().results[0]).toEqual({ action: 'ignore', outcome: 'no_billing_phone' });
  });

  it('converts a Rial store’s totals to the club’s Toman', async () => {
    const res = await deliver({
      ...order,
      id: 960,
      status: 'completed',
      currency: 'IRR',
      total: '14500000',
      billing: { ...order.billing, phone: '09121110000' },
    });
    expect(res.json().results[0].outcome).toBe('pending_member');
    expect((await t.w.services.members.findByPhone(t.merchant.id, '09121110000'))!.balances.points).toBe(145);
  });
});
