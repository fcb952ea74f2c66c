import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/http.js';
import { joinedMember } from '../helpers/services.js';

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

const member = (coins = 0) => joinedMember(t.w, t.merchant.id, { coins });

describe('GET/PUT /v1/wheel', () => {
  it('reads an empty wheel, replaces it, and says what is wrong with a bad one', async () => {
    expect((await t.api('GET', '/v1/wheel')).json()).toMatchObject({ enabled: false, prizes: [] });
    const bad = await t.api('PUT', '/v1/wheel', { prizes: [{ label: 'x', kind: 'voucher', weight: 1 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_wheel', details: { issues: [{ field: 'prizes.0.voucherCampaignId' }] } });
    const put = await t.api('PUT', '/v1/wheel', {
      costCoins: 5,
      perDay: 3,
      prizes: [
        { label: '۱۰۰ امتیاز', kind: 'points', amount: 100, weight: 1, stock: 10 },
        { label: 'پوچ', kind: 'nothing', weight: 3 },
      ],
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      enabled: true,
      costCoins: 5,
      perDay: 3,
      version: 1,
      prizes: [
        { kind: 'points', probability: 0.25, stock: 10 },
        { kind: 'nothing', probability: 0.75, stock: null },
      ],
    });
    expect((await t.api('GET', '/v1/wheel')).json()).toEqual(put.json());
  });
});

describe('gifts and the fulfilment queue', () => {
  it('creates, patches, lists; a member request is approved, shipped, or rejected with a refund', async () => {
    const created = await t.api('POST', '/v1/gifts', { title: 'ماگ', costCurrency: 'coins', cost: 40, stock: 5, group: 'kitchen' });
    expect(created.statusCode).toBe(201);
    const gift = created.json();
    expect((await t.api('POST', '/v1/gifts', { title: 'x', cost: 1 })).json().error.code).toBe('invalid_gift');
    const patched = await t.api('PATCH', `/v1/gifts/${gift.id}`, { cost: 30, description: 'Ceramic' });
    expect(patched.json()).toMatchObject({ cost: 30, description: 'Ceramic', stock: 5, title: 'ماگ' });
    expect((await t.api('PATCH', '/v1/gifts/00000000-0000-0000-0000-000000000000', { cost: 1 })).statusCode).toBe(404);
    expect((await t.api('GET', '/v1/gifts')).json().gifts).toHaveLength(1);

    const a = await member(100);
    const b = await member(100);
    const ra = (await t.w.services.gifts.request(t.merchant.id, a, gift.id, 'a1')).request;
    const rb = (await t.w.services.gifts.request(t.merchant.id, b, gift.id, 'b1')).request;
    const queue = await t.api('GET', '/v1/gift-requests?status=requested');
    expect(
      queue
        .json()
        .requests.map((r: { id: string }) => r.id)
        .sort(),
    ).toEqual([ra.id, rb.id].sort());

    expect((await t.api('POST', `/v1/gift-requests/${ra.id}/approve`)).json()).toMatchObject({ status: 'approved' });
    const shipped = await t.api('POST', `/v1/gift-requests/${ra.id}/ship`, { trackingNote: 'پست ۱۲۳۴' });
    expect(shipped.json()).toMatchObject({ status: 'shipped', trackingNote: 'پست ۱۲۳۴' });
    const rejected = await t.api('POST', `/v1/gift-requests/${rb.id}/reject`, { reason: 'ناموجود' });
    expect(rejected.json()).toMatchObject({ status: 'rejected' });
    expect((await t.w.services.members.get(t.merchant.id, b.id)).balances.coins).toBe(100);
    const again = await t.api('POST', `/v1/gift-requests/${rb.id}/approve`);
    expect(again.statusCode).toBe(422);
    expect(again.json().error).toMatchObject({ code: 'invalid_transition', details: { status: 'rejected' } });
    expect((await t.api('GET', '/v1/gift-requests?status=shipped')).json().requests).toHaveLength(1);
    expect((await t.api('GET', '/v1/gift-requests?status=lost')).statusCode).toBe(400);
  });
});

describe('vouchers over HTTP', () => {
  it('campaign, batch of codes, validate, redeem (idempotent on orderId), refused afterwards', async () => {
    const c = await t.api('POST', '/v1/vouchers/campaigns', {
      name: '۲۰٪ تا سقف ۵۰ هزار',
      kind: 'percent',
      value: 20,
      maxDiscount: 50_000,
      minPurchase: 100_000,
    });
    expect(c.statusCode).toBe(201);
    const campaign = c.json();
    const batch = await t.api('POST', `/v1/vouchers/campaigns/${campaign.id}/codes`, { count: 5 });
    expect(batch.statusCode).toBe(201);
    const [code] = batch.json().codes;
    const low = await t.api('POST', '/v1/vouchers/validate', { code, amount: 50_000 });
    expect(low.json()).toMatchObject({ ok: false, reason: 'below_minimum', message: expect.any(String) });
    expect((await t.api('POST', '/v1/vouchers/validate', { code: code.toLowerCase(), amount: 400_000 })).json()).toMatchObject({
      ok: true,
      discount: 50_000,
    });

    const redeem = () => t.api('POST', '/v1/vouchers/redeem', { code, orderId: 'ord-77', amount: 200_000 });
    const first = await redeem();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ code, orderId: 'ord-77', discount: 40_000, freeShipping: false, giftItem: null });
    const replay = await redeem();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().discount).toBe(40_000);
    expect((await t.api('POST', '/v1/vouchers/redeem', { code, orderId: 'ord-77', amount: 300_000 })).statusCode).toBe(409);
    const used = await t.api('POST', '/v1/vouchers/redeem', { code, orderId: 'ord-78', amount: 200_000 });
    expect(used.statusCode).toBe(422);
    expect(used.json().error.code).toBe('voucher_already_redeemed');
    expect((await t.api('GET', '/v1/vouchers/campaigns')).json().campaigns[0]).toMatchObject({ issued: 5, redeemed: 1 });
  });

  it('a purchase webhook with voucherCode redeems it; a code that does not apply is reported beside the recorded purchase', async () => {
    const c = (await t.api('POST', '/v1/vouchers/campaigns', { name: 'fixed', kind: 'fixed', value: 15_000 })).json();
    const a = await member();
    const code = (await t.api('POST', `/v1/vouchers/campaigns/${c.id}/assign`, { memberId: a.id })).json().code;
    expect((await t.w.services.vouchers.memberVouchers(t.merchant.id, a.id)).map((v) => v.code)).toEqual([code]);
    const res = await t.webhook('/v1/webhooks/purchases', { orderId: 'wv-1', phone: a.phone, amount: 500_000, voucherCode: code });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'credited', voucher: { code, redeemed: true, discount: 15_000 } });
    const replay = await t.webhook('/v1/webhooks/purchases', { orderId: 'wv-1', phone: a.phone, amount: 500_000, voucherCode: code });
    expect(replay.json()).toMatchObject({ voucher: { redeemed: true, discount: 15_000 } });
    const second = await t.webhook('/v1/webhooks/purchases', { orderId: 'wv-2', phone: a.phone, amount: 500_000, voucherCode: code });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ status: 'credited', voucher: { code, redeemed: false, reason: 'already_redeemed' } });
  });

  it('a campaign is paused (its codes refused), renamed, given an end, and switched on again; a bad change says what is wrong', async () => {
    const c = (await t.api('POST', '/v1/vouchers/campaigns', { name: 'پاییز', kind: 'fixed', value: 10_000, sharedCode: 'PAEEZ' })).json();
    const check = async () => (await t.api('POST', '/v1/vouchers/validate', { code: 'paeez', amount: 50_000 })).json();
    expect(await check()).toMatchObject({ ok: true, discount: 10_000 });

    const paused = await t.api('PATCH', `/v1/vouchers/campaigns/${c.id}`, { active: false, name: 'پاییز (متوقف)' });
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ name: 'پاییز (متوقف)', active: false, value: 10_000, sharedCode: 'PAEEZ' });
    expect(await check()).toMatchObject({ ok: false, reason: 'inactive' });
    const refused = await t.api('POST', '/v1/vouchers/redeem', { code: 'PAEEZ', orderId: 'paused-1', amount: 50_000 });
    expect(refused.statusCode).toBe(422);

    const back = await t.api('PATCH', `/v1/vouchers/campaigns/${c.id}`, { active: true, validTo: '1499/12/29', perMemberLimit: 1 });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ active: true, perMemberLimit: 1 });
    expect(await check()).toMatchObject({ ok: true, discount: 10_000 });

    for (const body of [{ value: 90 }, { active: 'no' }, { totalLimit: 0 }]) {
      const bad = await t.api('PATCH', `/v1/vouchers/campaigns/${c.id}`, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(bad.json().error.code).toBe('invalid_campaign');
    }
    expect((await t.api('PATCH', '/v1/vouchers/campaigns/00000000-0000-4000-8000-000000000000', { active: false })).statusCode).toBe(404);
    expect((await t.api('GET', '/v1/vouchers/campaigns')).json().campaigns.find((x: { id: string }) => x.id === c.id)).toMatchObject({
      name: 'پاییز (متوقف)',
      active: true,
      value: 10_000,
    });
  });
});

describe('raffles over HTTP', () => {
  it('opens a raffle with its seed hash, and anyone can fetch the proof without a key', async () => {
    const bad = await t.api('POST', '/v1/raffles', {
      title: 'x',
      prizes: [{ title: 'TV', count: 1 }],
      entryRule: { kind: 'lottery' },
      closesAt: '2030-01-01T00:00:00Z',
    });
    expect(bad.json().error.code).toBe('invalid_raffle');
    const res = await t.api('POST', '/v1/raffles', {
      title: 'قرعه‌کشی یلدا',
      prizes: [{ title: 'TV', count: 1 }],
      entryRule: { kind: 'coins', price: 10 },
      closesAt: '2030-01-01T00:00:00+03:30',
    });
    expect(res.statusCode).toBe(201);
    const raffle = res.json();
    expect(raffle).toMatchObject({
      status: 'open',
      seed: null,
      seedHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      closesAt: '2029-12-31T20:30:00.000Z',
    });
    expect((await t.api('GET', `/v1/raffles/${raffle.id}`)).json()).toEqual(raffle);
    expect((await t.api('GET', '/v1/raffles')).json().raffles.map((r: { id: string }) => r.id)).toContain(raffle.id);
    const proof = await t.app.inject({ method: 'GET', url: `/v1/public/raffles/${raffle.id}/proof` });
    expect(proof.statusCode).toBe(200);
    expect(proof.json()).toMatchObject({
      raffle: { id: raffle.id, seed: null, seedHash: raffle.seedHash },
      tickets: [],
      algorithm: expect.stringContaining('HMAC-SHA256'),
    });
    expect(JSON.stringify(proof.json())).not.toContain(t.merchant.id);
  });

  it('a raffle is called off before its draw (again: the same answer); the answer says when', async () => {
    const raffle = (
      await t.api('POST', '/v1/raffles', {
        title: 'لغوشدنی',
        prizes: [{ title: 'TV', count: 1 }],
        entryRule: { kind: 'purchase' },
        closesAt: '2030-01-01T00:00:00+03:30',
      })
    ).json();
    const cancel = () => t.api('POST', `/v1/raffles/${raffle.id}/cancel`);
    const first = await cancel();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id: raffle.id, status: 'cancelled', cancelledAt: expect.any(String), winners: null });
    expect((await cancel()).json()).toEqual(first.json());
    expect((await t.api('GET', `/v1/raffles/${raffle.id}`)).json().status).toBe('cancelled');
    const missing = await t.api('POST', '/v1/raffles/00000000-0000-4000-8000-000000000000/cancel');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('raffle_not_found');
  });

  it('the OpenAPI document lists the reward routes', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of [
      '/v1/wheel',
      '/v1/gifts',
      '/v1/gifts/{id}',
      '/v1/gift-requests',
      '/v1/gift-requests/{id}/ship',
      '/v1/vouchers/validate',
      '/v1/vouchers/redeem',
      '/v1/vouchers/campaigns/{id}/codes',
      '/v1/raffles',
      '/v1/public/raffles/{id}/proof',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
