import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWhatsAppStatus } from '../../src/channels/whatsapp/whatsapp-channel.js';
import { createTestApi, type TestApi } from '../helpers/http.js';

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

describe('GET /v1/whatsapp', () => {
  it('says a club without a number is off, and shows the number and state the WhatsApp process published', async () => {
    expect((await t.api('GET', '/v1/whatsapp')).json()).toEqual({ number: null, state: 'off', pairing: false });
    await t.w.services.merchants.setWhatsAppNumber(t.merchant.id, '09123334456');
    expect((await t.api('GET', '/v1/whatsapp')).json()).toEqual({ number: '+989123334456', state: 'stopped', pairing: false });
    const noQr = await t.api('GET', '/v1/whatsapp/qr.png');
    expect(noQr.statusCode).toBe(404);
    expect(noQr.json().error.code).toBe('no_pairing_qr');

    await writeWhatsAppStatus(t.r.redis, t.r.prefix, t.merchant.id, { number: '+989123334456', state: 'pairing', qr: '2@abc,def,ghi' });
    expect((await t.api('GET', '/v1/whatsapp')).json()).toEqual({ number: '+989123334456', state: 'pairing', pairing: true });
    const qr = await t.api('GET', '/v1/whatsapp/qr.png');
    expect(qr.statusCode).toBe(200);
    expect(qr.headers['content-type']).toBe('image/png');
    expect(qr.rawPayload.subarray(1, 4).toString()).toBe('PNG');
  });

  it('needs the API key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/whatsapp/qr.png' });
    expect(res.statusCode).toBe(401);
  });
});
