import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/http.js';
import { newPhone } from '../helpers/services.js';
import { newBotToken } from '../helpers/telegram.js';

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
    externalUserId: '99001',
  });
  memberId = member.id;
  await t.w.services.members.updateProfile(t.merchant.id, memberId, { firstName: 'علی', birthDate: new Date('1991-09-22') });
  for (let i = 0; i < 25; i++) await t.webhook('/v1/webhooks/purchases', { orderId: `m-${i}`, phone, amount: 300_000 });
});
afterAll(() => t.close());

describe('merchant API authentication', () => {
  it('401 without a key or with a wrong or revoked one', async () => {
    expect((await t.app.inject({ method: 'GET', url: `/v1/members/${memberId}` })).json().error.code).toBe('missing_api_key');
    const wrong = await t.api('GET', `/v1/members/${memberId}`, undefined, 'bgk_nope');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_api_key');
    const m = await t.newMerchant();
    await t.w.services.merchants.rotateApiKey(m.id);
    expect((await t.api('GET', '/v1/settings', undefined, m.apiKey)).statusCode).toBe(401);
  });

  it('a key sees only its own merchant: another merchant’s member is 404', async () => {
    const other = await t.newMerchant();
    const res = await t.api('GET', `/v1/members/${memberId}`, undefined, other.apiKey);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('member_not_found');
    expect((await t.api('GET', `/v1/members?phone=${encodeURIComponent(phone)}`, undefined, other.apiKey)).statusCode).toBe(404);
  });
});

describe('GET /v1/members', () => {
  it('finds by phone in any form and by member code, with balances, tier and progress', async () => {
    const persian = `۰${phone.slice(3)}`.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
    const byPhone = await t.api('GET', `/v1/members?phone=${encodeURIComponent(persian)}`);
    expect(byPhone.statusCode).toBe(200);
    const m = byPhone.json();
    expect(m).toMatchObject({
      id: memberId,
      phone,
      firstName: 'علی',
      birthDate: '1991-09-22',
      birthDateJalali: '1370/06/31',
      status: 'active',
      tier: 'silver',
      balances: { points: 750, coins: 0, credit: 0 },
      progress: { qualifyingPoints: 750, next: { tier: 'gold', threshold: 2000, pointsToGo: 1250, percent: 16 } },
      purchaseCount: 25,
      channels: [{ channel: 'telegram', reachable: true }],
    });
    const byCode = await t.api('GET', `/v1/members?code=${m.memberCode.toLowerCase()}`);
    expect(byCode.json().id).toBe(memberId);
  });

  it('400 for a bad phone or no query, 404 for nobody', async () => {
    expect((await t.api('GET', '/v1/members?phone=123')).json().error.code).toBe('invalid_phone');
    expect((await t.api('GET', '/v1/members')).statusCode).toBe(400);
    expect((await t.api('GET', '/v1/members?phone=09129999999')).statusCode).toBe(404);
    expect((await t.api('GET', '/v1/members/not-a-uuid')).statusCode).toBe(404);
  });
});

describe('GET /v1/members/:id: channels and reachability', () => {
  it('lists each chat with reachability, last seen and when it was linked, and the preferred channel', async () => {
    const s = t.w.services;
    const m = t.merchant.id;
    const p = newPhone();
    const { member } = await s.members.register({ merchantId: m, phone: p, channel: 'telegram', externalUserId: '99002', chatId: '99002' });
    await s.members.register({ merchantId: m, phone: p, channel: 'bale', externalUserId: '5501', chatId: '5501' });
    await s.memberStore.markSeen(m, 'telegram', '99002');
    await s.memberStore.markUnreachable(m, 'bale', '5501', true);

    const before = (await t.api('GET', `/v1/members/${member.id}`)).json();
    expect(before.preferredChannel).toBeNull();
    // The club has no bot yet: there is nowhere to tell them anything.
    expect(before.reachOrder).toEqual([]);
    // With a Telegram bot (and no Bale bot, and Bale blocked anyway): Telegram, and nowhere else.
    await s.merchants.setTelegramToken(m, newBotToken());
    expect((await t.api('GET', `/v1/members/${member.id}`)).json().reachOrder).toEqual(['telegram']);
    const byChannel = Object.fromEntries(before.channels.map((c: { channel: string }) => [c.channel, c]));
    expect(byChannel.telegram).toMatchObject({ reachable: true, unreachableSince: null, lastSeenAt: expect.any(String) });
    expect(byChannel.bale).toMatchObject({ reachable: false, unreachableSince: expect.any(String), lastSeenAt: null });
    expect(byChannel.bale.linkedAt).toEqual(expect.any(String));

    await s.members.setPreferredChannel(m, member.id, 'bale');
    const after = (await t.api('GET', `/v1/members/${member.id}`)).json();
    expect(after).toMatchObject({ preferredChannel: 'bale', reachOrder: ['telegram'] });
    // Only a channel the member has a chat on can be preferred.
    await expect(s.members.setPreferredChannel(m, member.id, 'whatsapp')).rejects.toMatchObject({ code: 'channel_not_linked' });
  });
});

describe('GET /v1/members/:id/ledger', () => {
  it('pages newest first with a cursor until the end', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await t.api('GET', `/v1/members/${memberId}/ledger?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json();
      seen.push(...page.entries.map((e: { id: number }) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    const first = (await t.api('GET', `/v1/members/${memberId}/ledger?limit=1`)).json().entries[0];
    expect(first).toMatchObject({
      currency: 'points',
      amount: 30,
      balanceAfter: 750,
      reason: 'purchase',
      refType: 'purchase',
      refId: 'm-24',
      actor: 'webhook',
    });
  });

  it('rejects a bad cursor or limit', async () => {
    expect((await t.api('GET', `/v1/members/${memberId}/ledger?cursor=abc`)).statusCode).toBe(400);
    expect((await t.api('GET', `/v1/members/${memberId}/ledger?limit=1000`)).statusCode).toBe(400);
  });
});

describe('POST /v1/members/:id/adjustments', () => {
  it('adds and takes away, idempotently, and refuses what does not fit', async () => {
    const add = await t.api('POST', `/v1/members/${memberId}/adjustments`, {
      currency: 'coins',
      amount: 40,
      reason: 'goodwill',
      idempotencyKey: 'adj-1',
    });
    expect(add.statusCode).toBe(200);
    expect(add.json().balances.coins).toBe(40);
    const again = await t.api('POST', `/v1/members/${memberId}/adjustments`, {
      currency: 'coins',
      amount: 40,
      reason: 'goodwill',
      idempotencyKey: 'adj-1',
    });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().balances.coins).toBe(40);
    const conflict = await t.api('POST', `/v1/members/${memberId}/adjustments`, {
      currency: 'coins',
      amount: 41,
      reason: 'goodwill',
      idempotencyKey: 'adj-1',
    });
    expect(conflict.statusCode).toBe(409);
    const take = await t.api('POST', `/v1/members/${memberId}/adjustments`, {
      currency: 'coins',
      amount: -30,
      reason: 'correction',
      idempotencyKey: 'adj-2',
    });
    expect(take.json().balances.coins).toBe(10);
    const tooMuch = await t.api('POST', `/v1/members/${memberId}/adjustments`, {
      currency: 'coins',
      amount: -11,
      reason: 'correction',
      idempotencyKey: 'adj-3',
    });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().error).toMatchObject({ code: 'insufficient_balance', details: { balance: 10 } });
    for (const bad of [
      { currency: 'gold', amount: 1 },
      { currency: 'coins', amount: 0 },
      { currency: 'coins', amount: 1.5 },
    ]) {
      const res = await t.api('POST', `/v1/members/${memberId}/adjustments`, { reason: 'x', idempotencyKey: 'adj-bad', ...bad });
      expect(res.statusCode).toBe(400);
    }
  });
});

describe('totals past what a number can hold', () => {
  it('an adjustment or purchase that would take a member past 2^53 - 1 is refused whole; the member stays readable', async () => {
    const m = await t.newMerchant();
    const phone = newPhone();
    expect((await t.webhook('/v1/webhooks/purchases', { orderId: 'big-0', phone, amount: 1_000 }, { merchant: m })).statusCode).toBe(200);
    const id = (await t.api('GET', `/v1/members?phone=${encodeURIComponent(phone)}`, undefined, m.apiKey)).json().id;
    const adjust = (n: number) =>
      t.api(
        'POST',
        `/v1/members/${id}/adjustments`,
        { currency: 'credit', amount: 1e15, reason: 'big', idempotencyKey: `big-${n}` },
        m.apiKey,
      );
    for (let n = 1; n <= 9; n++) expect((await adjust(n)).statusCode).toBe(200);
    const tenth = await adjust(10);
    expect(tenth.statusCode).toBe(422);
    expect(tenth.json().error.code).toBe('amount_too_large');
    const member = await t.api('GET', `/v1/members/${id}`, undefined, m.apiKey);
    expect(member.statusCode).toBe(200);
    expect(member.json().balances.credit).toBe(9e15);
    expect((await adjust(10)).statusCode).toBe(422); // nothing was stored to replay

    // A points rate that turns one purchase into more points than a number holds.
    expect((await t.api('PUT', '/v1/settings', { earning: { pointsPerAmount: { points: 1e12, amount: 1 } } }, m.apiKey)).statusCode).toBe(
      200,
    );
    for (let i = 0; i < 2; i++) {
      const huge = await t.webhook('/v1/webhooks/purchases', { orderId: 'big-1', phone, amount: 1_000_000 }, { merchant: m });
      expect(huge.statusCode).toBe(422);
      expect(huge.json().error.code).toBe('amount_too_large');
    }
    expect((await t.api('GET', `/v1/members/${id}`, undefined, m.apiKey)).json().balances.points).toBe(0);
  });
});

describe('settings', () => {
  it('GET shows defaults; PUT validates and applies at once', async () => {
    const m = await t.newMerchant();
    const got = await t.api('GET', '/v1/settings', undefined, m.apiKey);
    expect(got.json().earning.pointsPerAmount).toEqual({ points: 10, amount: 100_000 });
    const bad = await t.api('PUT', '/v1/settings', { earning: { pointsPerAmount: { points: 10, amount: 0 } } }, m.apiKey);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_settings');
    const put = await t.api('PUT', '/v1/settings', { earning: { pointsPerAmount: { points: 1, amount: 1000 } } }, m.apiKey);
    expect(put.statusCode).toBe(200);
    const buy = await t.webhook('/v1/webhooks/purchases', { orderId: 's-1', phone: newPhone(), amount: 50_000 }, { merchant: m });
    expect(buy.json().awarded.points).toBe(50);
  });

  it('PATCH changes only what it names; a bad patch changes nothing; null gives a part its defaults back', async () => {
    const m = await t.newMerchant();
    expect((await t.api('PUT', '/v1/settings', { earning: { pointsPerAmount: { points: 1, amount: 1000 } } }, m.apiKey)).statusCode).toBe(
      200,
    );
    const patched = await t.api('PATCH', '/v1/settings', { feedback: { postPurchase: { delayMinutes: 5 } } }, m.apiKey);
    expect(patched.statusCode).toBe(200);
    expect(patched.json().feedback.postPurchase.delayMinutes).toBe(5);
    expect(patched.json().earning.pointsPerAmount).toEqual({ points: 1, amount: 1000 });

    const bad = await t.api('PATCH', '/v1/settings', { earning: { pointsPerAmount: { amount: 0 } } }, m.apiKey);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_settings');
    expect((await t.api('GET', '/v1/settings', undefined, m.apiKey)).json().earning.pointsPerAmount).toEqual({ points: 1, amount: 1000 });

    const reset = await t.api('PATCH', '/v1/settings', { earning: { pointsPerAmount: null } }, m.apiKey);
    expect(reset.json().earning.pointsPerAmount).toEqual({ points: 10, amount: 100_000 });
    expect(reset.json().feedback.postPurchase.delayMinutes).toBe(5);
  });
});

describe('rate limit', () => {
  it('429 with Retry-After past the merchant’s per-second budget', async () => {
    const m = await t.newMerchant({ api: { rateLimitPerSecond: 5 } });
    const responses = await Promise.all(Array.from({ length: 12 }, () => t.api('GET', '/v1/settings', undefined, m.apiKey)));
    const limited = responses.filter((r) => r.statusCode === 429);
    expect(limited.length).toBeGreaterThanOrEqual(7);
    expect(limited[0]!.headers['retry-after']).toBeDefined();
    expect(limited[0]!.json().error.code).toBe('rate_limited');
    // Another merchant is not affected.
    expect((await t.api('GET', '/v1/settings')).statusCode).toBe(200);
  });
});
