import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('text that PostgreSQL cannot store: 400 invalid_text, nothing written', () => {
  it.each([
    [
      'a NUL byte in a body field',
      'POST',
      (): string => `/v1/members/${memberId}/adjustments`,
      { currency: 'points', amount: 5, reason: 'a\u0000b', idempotencyKey: 'nul-1' },
    ],
    [
      'a lone surrogate in a body field',
      'POST',
      (): string => `/v1/members/${memberId}/adjustments`,
      { currency: 'points', amount: 5, reason: 'a\ud800b', idempotencyKey: 'surrogate-1' },
    ],
    ['a NUL byte in a domain-validated body', 'POST', (): string => '/v1/gifts', { title: 'mug\u0000', costCurrency: 'points', cost: 10 }],
    ['a lone low surrogate in an object key', 'PATCH', (): string => '/v1/settings', { referrals: { ['x\udc00']: 1 } }],
    ['a NUL byte in a query string', 'GET', (): string => `/v1/members?phone=0912%00`, undefined],
    ['a NUL byte in a path parameter', 'GET', (): string => `/v1/members/ab%00cd`, undefined],
  ] as const)('%s', async (_name, method, url, body) => {
    const before = await balances();
    const res = await t.api(method, url(), body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_text');
    expect(await balances()).toEqual(before);
  });

  it('a signed webhook with a NUL byte in orderId: 400 invalid_text, no purchase', async () => {
    const res = await t.webhook('/v1/webhooks/purchases', { orderId: 'o\u0000rder', phone, amount: 1000 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_text');
    expect((await balances()).points).toBe(0);
  });

  it('well-formed Persian text and emoji still pass', async () => {
    const res = await t.api('POST', `/v1/members/${memberId}/adjustments`, {
      currency: 'points',
      amount: 1,
      reason: 'هدیه 🎁',
      idempotencyKey: 'emoji-1',
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('ledger cursor', () => {
  it.each(['99999999999999999999', '9223372036854775808', '18446744073709551616'])(
    '%s (beyond 64 bits or past any ledger id) is 400, not 500',
    async (cursor) => {
      const res = await t.api('GET', `/v1/members/${memberId}/ledger?cursor=${cursor}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    },
  );
});
