import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/http.js';
import { newPhone } from '../helpers/services.js';

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
  await t.w.services.merchants.setTelegramToken(t.merchant.id, '123456789:AAbroadcasts-api-test-token-00');
  for (let i = 0; i < 5; i++) {
    const { member } = await t.w.services.members.register({
      merchantId: t.merchant.id,
      phone: newPhone(),
      channel: 'telegram',
      externalUserId: String(880_000 + i),
      chatId: String(880_000 + i),
    });
    if (i < 3) await t.w.services.members.tag(t.merchant.id, member.id, ['vip']);
  }
});
afterAll(() => t.close());

describe('broadcasts over HTTP', () => {
  it('counts a segment, and says which field of a bad one is wrong', async () => {
    const res = await t.api('POST', '/v1/segments/count', { tags: ['vip'] });
    expect(res.json()).toEqual({ members: 3, telegram: 3, bale: 0, whatsapp: 0, reachable: 3 });
    const bad = await t.api('POST', '/v1/segments/count', { birthday: 'year' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_segment', details: { issues: [{ field: 'birthday' }] } });
  });

  it('creates a scheduled broadcast and pauses, resumes and cancels it', async () => {
    const created = await t.api('POST', '/v1/broadcasts', {
      segment: { tags: ['vip'] },
      message: { text: 'سلام' },
      scheduleAt: '2030-01-01T09:00:00+03:30',
    });
    expect(created.statusCode).toBe(201);
    const { id, recipients, status } = created.json();
    expect({ recipients, status }).toEqual({ recipients: 3, status: 'scheduled' });
    expect((await t.api('GET', `/v1/broadcasts/${id}`)).json()).toMatchObject({
      status: 'scheduled',
      scheduleAt: '2030-01-01T05:30:00.000Z',
      counts: { sent: 0 },
    });
    expect((await t.api('POST', `/v1/broadcasts/${id}/pause`)).json()).toMatchObject({ status: 'paused' });
    expect((await t.api('POST', `/v1/broadcasts/${id}/resume`)).json()).toMatchObject({ status: 'scheduled' });
    expect((await t.api('POST', `/v1/broadcasts/${id}/cancel`)).json()).toMatchObject({ status: 'cancelled' });
    const again = await t.api('POST', `/v1/broadcasts/${id}/cancel`);
    expect(again.statusCode).toBe(422);
    expect(again.json().error.code).toBe('already_finished');
    expect((await t.api('GET', '/v1/broadcasts/00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
  });

  it('refuses an empty message and a schedule in the past', async () => {
    expect((await t.api('POST', '/v1/broadcasts', { message: { text: '  ' } })).json().error.code).toBe('invalid_campaign');
    expect((await t.api('POST', '/v1/broadcasts', { message: { text: 'x' }, scheduleAt: '2020-01-01T00:00:00Z' })).json().error.code).toBe(
      'schedule_in_past',
    );
  });

  it('campaigns: a multiplier campaign, and the KPIs of a message campaign', async () => {
    const mult = await t.api('POST', '/v1/campaigns', {
      kind: 'multiplier',
      name: 'Double Friday',
      rule: { multiplier: 2, when: { weekdays: ['fri'] } },
      startsAt: '1405/09/01',
      endsAt: '1405/09/30',
    });
    expect(mult.statusCode).toBe(201);
    expect(mult.json()).toMatchObject({ kind: 'multiplier', broadcastId: null });
    const msg = await t.api('POST', '/v1/campaigns', {
      kind: 'message',
      name: 'Hello',
      segment: {},
      message: { text: 'hi' },
      holdoutPercent: 10,
      scheduleAt: '2030-01-01T00:00:00Z',
    });
    const k = await t.api('GET', `/v1/campaigns/${msg.json().id}`);
    expect(k.json()).toMatchObject({
      name: 'Hello',
      broadcastId: msg.json().broadcastId,
      clicks: 0,
      recipients: { members: 0 },
      liftPoints: null,
    });
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const p of [
      '/v1/segments/count',
      '/v1/broadcasts',
      '/v1/broadcasts/{id}',
      '/v1/broadcasts/{id}/pause',
      '/v1/campaigns',
      '/v1/campaigns/{id}',
    ])
      expect(doc.paths[p], p).toBeDefined();
  });
});
