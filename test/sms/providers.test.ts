import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kavenegarSender } from '../../src/channels/sms/kavenegar.js';
import { smsIrSender } from '../../src/channels/sms/smsir.js';
import { SmsSendError } from '../../src/domain/sms/sms-sender.js';
import { startProviderStandIn } from './provider-stand-in.js';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (err: unknown) => (err instanceof SmsSendError ? { kind: err.kind, code: err.code } : { kind: 'other', code: undefined }),
  );

describe('Kavenegar over its REST API', () => {
  let api: Awaited<ReturnType<typeof startProviderStandIn>>;
  const sms = () => kavenegarSender({ apiKey: 'KEY-123456', sender: '10004346', apiRoot: api.root });
  beforeAll(async () => {
    api = await startProviderStandIn((r) =>
      r.path.endsWith('/sms/send.json')
        ? {
            body: { return: { status: 200, message: 'تایید شد' }, entries: [{ messageid: 8792343, status: 1, statustext: 'در صف ارسال' }] },
          }
        : r.path.endsWith('/sms/status.json')
          ? {
              body: {
                return: { status: 200 },
                entries: r.query
                  .get('messageid')!
                  .split(',')
                  .map((id, i) => ({ messageid: Number(id), status: [10, 11, 4][i % 3], statustext: 'x' })),
              },
            }
          : {
              body: {
                return: { status: 200 },
                entries: [{ messageid: 1, message: 'لغو ۱۱', sender: '09121234567', receptor: '10004346' }],
              },
            },
    );
  });
  afterAll(() => api.close());

  it('sends form-encoded receptor, sender, message and our row id as localid, with the key in the path', async () => {
    const out = await sms().send({ id: '0191d3c4-0000-7000-8000-000000000001', phone: '+989121234567', text: 'سلام باشگاه' });
    expect(out).toEqual({ providerMessageId: '8792343' });
    const r = api.seen.at(-1)!;
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/v1/KEY-123456/sms/send.json');
    expect(r.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(r.body))).toEqual({
      receptor: '09121234567',
      sender: '10004346',
      message: 'سلام باشگاه',
      localid: '0191d3c4-0000-7000-8000-000000000001',
    });
  });

  it('return.status codes: busy (409) and too many calls (451) or 5xx retry; a wrong key, no credit or a bad number fail at once', async () => {
    const send = () => failure(sms().send({ id: 'x', phone: '+989121234567', text: 'hi' }));
    api.next({ status: 409, body: { return: { status: 409, message: 'server busy' }, entries: null } });
    expect(await send()).toEqual({ kind: 'retry', code: 409 });
    api.next({ status: 451, body: { return: { status: 451, message: 'too many calls' }, entries: null } });
    expect(await send()).toEqual({ kind: 'retry', code: 451 });
    api.next({ status: 502, body: 'Bad Gateway' });
    expect(await send()).toEqual({ kind: 'retry', code: undefined });
    for (const code of [403, 418, 411, 412]) {
      api.next({ status: code, body: { return: { status: code, message: 'no' }, entries: null } });
      expect(await send()).toEqual({ kind: 'failed', code });
    }
    // Accepted by the API but refused for this number (status 14: the recipient blocks advertising).
    api.next({ body: { return: { status: 200 }, entries: [{ messageid: 5, status: 14, statustext: 'blocked' }] } });
    expect(await send()).toEqual({ kind: 'failed', code: undefined });
  });

  it('an API out of reach is a retry', async () => {
    const down = kavenegarSender({ apiKey: 'KEY-123456', apiRoot: 'http://127.0.0.1:9' });
    expect(await failure(down.send({ id: 'x', phone: '+989121234567', text: 'hi' }))).toEqual({ kind: 'retry', code: undefined });
  });

  it('delivery reports from status.json (10 delivered, 11 failed, 4 still on its way) and opt-outs from receive.json', async () => {
    expect(await sms().reports(['1', '2', '3'])).toEqual([
      { providerMessageId: '1', outcome: 'delivered', detail: 'x' },
      { providerMessageId: '2', outcome: 'failed', detail: 'x' },
      { providerMessageId: '3', outcome: 'pending', detail: 'x' },
    ]);
    expect(api.seen.at(-1)!.path).toBe('/v1/KEY-123456/sms/status.json');
    expect(await sms().inbound()).toEqual([{ from: '09121234567', text: 'لغو ۱۱' }]);
    const r = api.seen.at(-1)!;
    expect(r.path).toBe('/v1/KEY-123456/sms/receive.json');
    expect(Object.fromEntries(r.query)).toEqual({ linenumber: '10004346', isread: '0' });
  });
});

describe('SMS.ir over its REST API v1', () => {
  let api: Awaited<ReturnType<typeof startProviderStandIn>>;
  const sms = () => smsIrSender({ apiKey: 'smsir-key-abcdef', sender: '30004505', apiRoot: api.root });
  beforeAll(async () => {
    api = await startProviderStandIn((r) =>
      r.path === '/v1/send/bulk'
        ? { body: { status: 1, message: 'موفق', data: { packId: 'p-1', messageIds: [55], cost: 1 } } }
        : r.path.startsWith('/v1/send/')
          ? {
              body: {
                status: 1,
                data: { messageId: Number(r.path.split('/').at(-1)), deliveryState: Number(r.path.split('/').at(-1)) % 10 },
              },
            }
          : { body: { status: 1, data: [{ number: 30004505, messageText: '11', mobile: '9121234567', receivedDateTime: 1 }] } },
    );
  });
  afterAll(() => api.close());

  it('sends JSON { lineNumber, messageText, mobiles, sendDateTime } with the X-API-KEY header', async () => {
    expect(await sms().send({ id: 'x', phone: '+989121234567', text: 'سلام' })).toEqual({ providerMessageId: '55' });
    const r = api.seen.at(-1)!;
    expect([r.method, r.path, r.headers['x-api-key']]).toEqual(['POST', '/v1/send/bulk', 'smsir-key-abcdef']);
    expect(JSON.parse(r.body)).toEqual({ lineNumber: 30004505, messageText: 'سلام', mobiles: ['09121234567'], sendDateTime: null });
  });

  it('status 0, HTTP 429 and 5xx retry; a wrong key or no credit fail at once', async () => {
    const send = () => failure(sms().send({ id: 'x', phone: '+989121234567', text: 'hi' }));
    api.next({ status: 500, body: { status: 0, message: 'server error' } });
    expect(await send()).toEqual({ kind: 'retry', code: 0 });
    api.next({ status: 429, body: { status: 20, message: 'too many requests' } });
    expect(await send()).toEqual({ kind: 'retry', code: 20 });
    api.next({ status: 401, body: { status: 10, message: 'invalid key' } });
    expect(await send()).toEqual({ kind: 'failed', code: 10 });
    api.next({ status: 400, body: { status: 102, message: 'no credit' } });
    expect(await send()).toEqual({ kind: 'failed', code: 102 });
  });

  it('delivery reports by message id (deliveryState 1 delivered, 2 failed, 3 on its way) and the latest received messages', async () => {
    expect((await sms().reports(['41', '52', '63'])).map((r) => [r.providerMessageId, r.outcome])).toEqual([
      ['41', 'delivered'],
      ['52', 'failed'],
      ['63', 'pending'],
    ]);
    expect(api.seen.at(-1)!.path).toBe('/v1/send/63');
    expect(await sms().inbound()).toEqual([{ from: '9121234567', text: '11' }]);
    expect(api.seen.at(-1)!.path).toBe('/v1/receive/latest');
  });
});
