import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/http/auth/signature.js';
import { createHmac } from 'node:crypto';
import { createTestApi, type TestApi } from '../helpers/http.js';
import { joinedMember } from '../helpers/services.js';

/**
 * Merchant A's credentials with merchant B's ids, on every route of /openapi.json: nothing of
 * B's is read, changed or pointed at.
 */
let t: TestApi;
let A: Awaited<ReturnType<TestApi['newMerchant']>>;
let B: Awaited<ReturnType<TestApi['newMerchant']>>;
const b = {} as Record<
  | 'member'
  | 'memberPhone'
  | 'memberCode'
  | 'gift'
  | 'giftRequest'
  | 'voucherCampaign'
  | 'voucherCode'
  | 'raffle'
  | 'broadcast'
  | 'campaign'
  | 'survey'
  | 'webhookEndpoint'
  | 'webhookDelivery',
  string
>;
const a = {} as Record<'member' | 'voucherCampaign' | 'gift', string>;
const NO_SUCH = '00000000-0000-4000-8000-000000000000';

const asB = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => t.api(method, url, body, B.apiKey);

beforeAll(async () => {
  t = await createTestApi();
  A = t.merchant;
  B = await t.newMerchant();
  for (const m of [A, B]) await t.w.services.merchants.setTelegramToken(m.id, `12345${m === A ? 1 : 2}789:AAtenancy-test-token-000000000`);

  const bm = await joinedMember(t.w, B.id, { points: 500, coins: 500 });
  Object.assign(b, { member: bm.id, memberPhone: bm.phone, memberCode: bm.memberCode });
  await t.webhook('/v1/webhooks/purchases', { orderId: 'b-order-1', phone: bm.phone, amount: 100_000 }, { merchant: B });
  b.gift = (await asB('POST', '/v1/gifts', { title: 'B mug', costCurrency: 'coins', cost: 10 })).json().id;
  b.giftRequest = (await t.w.services.gifts.request(B.id, await t.w.services.members.get(B.id, bm.id), b.gift, 'b-req-1')).request.id;
  b.voucherCampaign = (await asB('POST', '/v1/vouchers/campaigns', { name: 'B 10%', kind: 'percent', value: 10 })).json().id;
  b.voucherCode = (await asB('POST', `/v1/vouchers/campaigns/${b.voucherCampaign}/codes`, { count: 1 })).json().codes[0];
  b.raffle = (
    await asB('POST', '/v1/raffles', {
      title: 'B raffle',
      prizes: [{ title: 'TV', count: 1 }],
      entryRule: { kind: 'purchase' },
      closesAt: '2030-01-01T00:00:00Z',
    })
  ).json().id;
  const broadcast = (await asB('POST', '/v1/broadcasts', { message: { text: 'B says hi' }, scheduleAt: '2030-01-01T00:00:00Z' })).json();
  Object.assign(b, { broadcast: broadcast.id, campaign: broadcast.campaignId });
  b.survey = (await asB('POST', '/v1/surveys', { title: 'B survey', questions: [{ kind: 'rating', text: 'ok?' }] })).json().id;
  await asB('PUT', '/v1/wheel', { prizes: [{ label: 'B prize', kind: 'gift', giftId: b.gift, weight: 1 }] });
  b.webhookEndpoint = (await asB('POST', '/v1/webhook-endpoints', { url: 'https://b-shop.example/hook', events: ['*'] })).json().id;
  b.webhookDelivery = (await asB('POST', `/v1/webhook-endpoints/${b.webhookEndpoint}/test`)).json().id;
  for (const id of Object.values(b)) expect(id, JSON.stringify(b)).toBeTruthy();

  a.member = (await joinedMember(t.w, A.id)).id;
  a.voucherCampaign = (await t.api('POST', '/v1/vouchers/campaigns', { name: 'A 5%', kind: 'percent', value: 5 })).json().id;
  a.gift = (await t.api('POST', '/v1/gifts', { title: 'A mug', costCurrency: 'coins', cost: 5 })).json().id;
});
afterAll(() => t.close());

interface Case {
  path?: Record<string, string>;
  query?: string;
  body?: unknown;
}
/**
 * How each route is tried. `refused`: every case must be 4xx. `own`: the route only reads or
 * creates A's own things (a 2xx must not show any of B's ids). `public`: needs no credentials.
 */
type Plan = { refused: Case[] } | { own: Case[] } | { public: string };

const wheelWith = (prize: object) => ({ prizes: [{ label: 'x', weight: 1, ...prize }] });
const message = { text: 'سلام' };

const PLANS = (): Record<string, Plan> => ({
  'POST /v1/webhooks/purchases': { refused: [{ body: { orderId: 'a-by-code', memberCode: b.memberCode, amount: 1000 } }] },
  'POST /v1/webhooks/refunds': { refused: [{ body: { refundId: 'a-refund-1', orderId: 'b-order-1' } }] },
  'POST /v1/webhooks/woocommerce/{merchantId}': { refused: [{ path: { merchantId: B.id }, body: { id: 1, status: 'completed' } }] },
  'GET /v1/public/raffles/{id}/proof': { public: 'a raffle proof is published for anyone to verify' },
  'GET /v1/members/': { refused: [{ query: `phone=${encodeURIComponent(b.memberPhone)}` }, { query: `code=${b.memberCode}` }] },
  'GET /v1/members/{id}': { refused: [{ path: { id: b.member } }] },
  'GET /v1/members/{id}/ledger': { refused: [{ path: { id: b.member } }] },
  'POST /v1/members/{id}/adjustments': {
    refused: [{ path: { id: b.member }, body: { currency: 'points', amount: 100, reason: 'x', idempotencyKey: 'cross-1' } }],
  },
  'POST /v1/members/import/': { own: [] }, // CSV rows name phones, not ids: a phone of B's member makes a member of A's
  'GET /v1/settings/': { own: [{}] },
  'PUT /v1/settings/': { own: [] }, // no ids in settings
  'PATCH /v1/settings/': { own: [] },
  'GET /v1/referrals/stats': { own: [{}] },
  'GET /v1/members/{id}/referrals': { refused: [{ path: { id: b.member } }] },
  'GET /v1/staff': { own: [{}] },
  'PUT /v1/staff/{code}': { own: [] }, // a staff code is a name within the club, not an id
  'GET /v1/staff/commissions': { own: [{}] },
  'GET /v1/wheel': { own: [{}] },
  'PUT /v1/wheel': {
    refused: [
      { body: wheelWith({ kind: 'gift', giftId: b.gift }) },
      { body: wheelWith({ kind: 'voucher', voucherCampaignId: b.voucherCampaign }) },
      {
        body: {
          prizes: [
            { label: 'ok', kind: 'gift', giftId: a.gift, weight: 1 },
            { label: 'x', kind: 'voucher', voucherCampaignId: NO_SUCH, weight: 1 },
          ],
        },
      },
    ],
  },
  'GET /v1/gifts': { own: [{}] },
  'POST /v1/gifts': { own: [] },
  'PATCH /v1/gifts/{id}': { refused: [{ path: { id: b.gift }, body: { cost: 1 } }] },
  'GET /v1/gift-requests': { own: [{ query: `memberId=${b.member}` }] },
  'POST /v1/gift-requests/{id}/approve': { refused: [{ path: { id: b.giftRequest }, body: {} }] },
  'POST /v1/gift-requests/{id}/ship': { refused: [{ path: { id: b.giftRequest }, body: { trackingNote: 'x' } }] },
  'POST /v1/gift-requests/{id}/reject': { refused: [{ path: { id: b.giftRequest }, body: { reason: 'x' } }] },
  'GET /v1/vouchers/campaigns': { own: [{}] },
  'POST /v1/vouchers/campaigns': { own: [] },
  'PATCH /v1/vouchers/campaigns/{id}': { refused: [{ path: { id: b.voucherCampaign }, body: { active: false } }] },
  'POST /v1/vouchers/campaigns/{id}/codes': { refused: [{ path: { id: b.voucherCampaign }, body: { count: 1 } }] },
  'POST /v1/vouchers/campaigns/{id}/assign': {
    refused: [
      { path: { id: b.voucherCampaign }, body: { memberId: a.member } },
      { path: { id: a.voucherCampaign }, body: { memberId: b.member } },
      { path: { id: a.voucherCampaign }, body: { memberId: NO_SUCH } },
    ],
  },
  'POST /v1/vouchers/validate': { refused: [{ body: { code: b.voucherCode, memberId: b.member, amount: 1000 } }] },
  'POST /v1/vouchers/redeem': {
    refused: [
      { body: { code: b.voucherCode, orderId: 'a-redeem-1', amount: 1000 } },
      { body: { code: 'NOSUCHCODE', memberId: b.member, orderId: 'a-redeem-2', amount: 1000 } },
    ],
  },
  'GET /v1/raffles': { own: [{}] },
  'POST /v1/raffles': { own: [] },
  'GET /v1/raffles/{id}': { refused: [{ path: { id: b.raffle } }] },
  'POST /v1/raffles/{id}/cancel': { refused: [{ path: { id: b.raffle }, body: {} }] },
  'POST /v1/segments/count': { own: [{ body: {} }] },
  'POST /v1/sms/estimate': { own: [{ body: { segment: { channel: 'sms' }, text: 'سلام' } }] },
  'POST /v1/broadcasts': { refused: [{ body: { message: { ...message, surveyId: b.survey }, scheduleAt: '2030-01-01T00:00:00Z' } }] },
  'GET /v1/broadcasts/{id}': { refused: [{ path: { id: b.broadcast } }] },
  'POST /v1/broadcasts/{id}/pause': { refused: [{ path: { id: b.broadcast } }] },
  'POST /v1/broadcasts/{id}/resume': { refused: [{ path: { id: b.broadcast } }] },
  'POST /v1/broadcasts/{id}/cancel': { refused: [{ path: { id: b.broadcast } }] },
  'POST /v1/campaigns': {
    refused: [
      {
        body: { kind: 'reward', name: 'x', message, reward: { voucherCampaignId: b.voucherCampaign }, scheduleAt: '2030-01-01T00:00:00Z' },
      },
      { body: { kind: 'message', name: 'x', message: { ...message, surveyId: b.survey }, scheduleAt: '2030-01-01T00:00:00Z' } },
    ],
  },
  'GET /v1/campaigns/{id}': { refused: [{ path: { id: b.campaign } }] },
  'POST /v1/surveys': { own: [] }, // the survey it sends is the one it creates
  'GET /v1/surveys/{id}/results': { refused: [{ path: { id: b.survey } }] },
  'GET /v1/tickets': { own: [{}] },
  'GET /v1/whatsapp': { own: [{}] },
  'GET /v1/whatsapp/qr.png': { own: [] }, // 404 without a waiting QR; it is A's own connection
  'POST /v1/webhook-endpoints': { own: [] }, // a URL and event names, no ids
  'GET /v1/webhook-endpoints': { own: [{}] },
  'GET /v1/webhook-endpoints/{id}': { refused: [{ path: { id: b.webhookEndpoint } }] },
  'PATCH /v1/webhook-endpoints/{id}': { refused: [{ path: { id: b.webhookEndpoint }, body: { enabled: false } }] },
  'DELETE /v1/webhook-endpoints/{id}': { refused: [{ path: { id: b.webhookEndpoint } }] },
  'POST /v1/webhook-endpoints/{id}/rotate-secret': { refused: [{ path: { id: b.webhookEndpoint }, body: { overlap_hours: 0 } }] },
  'GET /v1/webhook-endpoints/{id}/deliveries': { refused: [{ path: { id: b.webhookEndpoint } }] },
  'POST /v1/webhook-endpoints/{id}/test': { refused: [{ path: { id: b.webhookEndpoint } }] },
  'POST /v1/webhook-deliveries/{id}/retry': { refused: [{ path: { id: b.webhookDelivery } }] },
});

async function send(method: string, url: string, body: unknown) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (url.startsWith('/v1/webhooks/woocommerce/')) {
    const raw = payload ?? '';
    return t.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        'x-wc-webhook-topic': 'order.updated',
        'x-wc-webhook-signature': createHmac('sha256', A.webhookSecret).update(raw).digest('base64'),
      },
      payload: raw,
    });
  }
  if (url.startsWith('/v1/webhooks/')) {
    const ts = Math.floor(Date.now() / 1000);
    return t.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        'x-bashgah-merchant': A.id,
        'x-bashgah-timestamp': String(ts),
        'x-bashgah-signature': `v1=${signWebhook(A.webhookSecret, ts, payload ?? '')}`,
      },
      payload,
    });
  }
  return t.api(method as 'GET', url, body);
}

/** What B (and anyone pointing at B's things) looks like, through B's key and the tables. */
async function snapshotOfB() {
  const gets = [
    `/v1/members/${b.member}`,
    `/v1/members/${b.member}/ledger`,
    '/v1/wheel',
    '/v1/gifts',
    '/v1/gift-requests',
    '/v1/vouchers/campaigns',
    '/v1/raffles',
    `/v1/broadcasts/${b.broadcast}`,
    `/v1/campaigns/${b.campaign}`,
    `/v1/surveys/${b.survey}/results`,
    '/v1/settings',
    '/v1/webhook-endpoints',
    `/v1/webhook-endpoints/${b.webhookEndpoint}/deliveries`,
  ];
  const api = await Promise.all(gets.map(async (url) => [url, (await asB('GET', url)).json()]));
  const ids = Object.values(b).filter((v) => /^[0-9a-f-]{36}$/.test(v));
  const { rows } = await t.w.db.pool.query(
    `SELECT (SELECT count(*) FROM vouchers WHERE member_id = ANY($2::uuid[]) OR campaign_id = ANY($2::uuid[]))::int AS vouchers,
            (SELECT count(*) FROM wheel_prizes WHERE merchant_id <> $1 AND (gift_id = ANY($2::uuid[]) OR voucher_campaign_id = ANY($2::uuid[])))::int AS foreign_prizes,
            (SELECT count(*) FROM campaigns WHERE merchant_id <> $1 AND (reward::text LIKE ANY($3) OR message::text LIKE ANY($3)))::int AS foreign_campaigns,
            (SELECT count(*) FROM ledger_entries WHERE member_id = ANY($2::uuid[]))::int AS ledger`,
    [B.id, ids, ids.map((id) => `%${id}%`)],
  );
  return { api: Object.fromEntries(api), tables: rows[0] };
}

describe('merchant A with merchant B’s ids, on every route of /openapi.json', () => {
  it('is refused (4xx, never 5xx) wherever it names B’s things, shows none of them elsewhere, and changes nothing of B’s', async () => {
    const before = await snapshotOfB();
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const plans = PLANS();
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(
      routes.filter((r) => !(r in plans)),
      'routes without a plan in this test',
    ).toEqual([]);
    const bIds = Object.values(b);
    const seen: string[] = [];
    for (const route of routes) {
      const plan = plans[route]!;
      if ('public' in plan) continue;
      const [method, template] = route.split(' ') as [string, string];
      for (const c of 'refused' in plan ? plan.refused : plan.own) {
        const url = template.replace(/\{(\w+)\}/g, (_m, name: string) => c.path![name]!) + (c.query ? `?${c.query}` : '');
        const res = await send(method, url, c.body);
        const where = `${route} ${JSON.stringify(c)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        seen.push(`${route} ${res.statusCode}`);
        expect(res.statusCode, where).toBeLessThan(500);
        if ('refused' in plan) {
          expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
          // …with a code the document lists for this route and status.
          const [, path] = route.split(' ');
          expect(doc.paths[path!][method.toLowerCase()].responses[String(res.statusCode)]?.description ?? '', where).toContain(
            `\`${res.json().error.code}\``,
          );
        } else {
          for (const id of bIds) expect(res.body, where).not.toContain(id);
        }
      }
    }
    expect(seen.length).toBeGreaterThan(40);
    expect(await snapshotOfB()).toEqual(before);
  });

  it('says which reference is unknown: 422 with the field', async () => {
    const wheel = await t.api('PUT', '/v1/wheel', wheelWith({ kind: 'gift', giftId: b.gift }));
    expect(wheel.statusCode).toBe(422);
    expect(wheel.json().error).toMatchObject({ code: 'unknown_gift', details: { field: 'prizes.0.giftId' } });
    const assign = await t.api('POST', `/v1/vouchers/campaigns/${a.voucherCampaign}/assign`, { memberId: NO_SUCH });
    expect(assign.statusCode).toBe(422);
    expect(assign.json().error).toMatchObject({ code: 'unknown_member', details: { field: 'memberId' } });
    const reward = await t.api('POST', '/v1/campaigns', {
      kind: 'reward',
      name: 'x',
      message,
      reward: { voucherCampaignId: b.voucherCampaign },
    });
    expect(reward.json().error).toMatchObject({ code: 'unknown_voucher_campaign', details: { field: 'reward.voucherCampaignId' } });
    // A's own references still work, in any letter case.
    const own = await t.api('PUT', '/v1/wheel', wheelWith({ kind: 'voucher', voucherCampaignId: a.voucherCampaign.toUpperCase() }));
    expect(own.statusCode).toBe(200);
  });
});
