import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsInboundRoute } from '../../src/http/routes/sms-inbound.js';
import { createTestApi, type TestApi } from '../helpers/http.js';
import { newPhone } from '../helpers/services.js';

const SECRET = 'inbound-secret-0123456789';
let t: TestApi;
beforeAll(async () => {
  t = await createTestApi({
    plugins: (w) => [async (app) => void (await app.register(smsInboundRoute, { sms: w.services.sms, secret: SECRET }))],
  });
});
afterAll(() => t.close());

/** A member of the test merchant whom the club's line has texted. */
async function textedMember() {
  const phone = newPhone();
  const { member } = await t.w.services.members.register({ merchantId: t.merchant.id, phone, channel: 'telegram', externalUserId: phone });
  await t.w.db.pool.query(
    `INSERT INTO sms_messages (id, merchant_id, member_id, phone, kind, key, text, parts, cost_rials, promotional)
     VALUES (gen_random_uuid(), $1, $2, $3, 'broadcast', $4, 'x', 1, 1300, true)`,
    [t.merchant.id, member.id, phone, `k-${phone}`],
  );
  const optedOut = async () =>
    (await t.w.db.pool.query('SELECT sms_opted_out FROM members WHERE id = $1', [member.id])).rows[0].sms_opted_out;
  return { phone, national: `0${phone.slice(3)}`, optedOut };
}

describe('incoming SMS pushed by the provider', () => {
  it("Kavenegar's receive URL (GET with from and message) records an opt-out", async () => {
    const m = await textedMember();
    const res = await t.app.inject({
      method: 'GET',
      url: `/sms/inbound/${SECRET}?from=${m.national}&to=10004346&message=${encodeURIComponent('لغو ۱۱')}&messageid=9`,
    });
    expect(res.json()).toEqual({ optedOut: 1 });
    expect(await m.optedOut()).toBe(true);
  });

  it("SMS.ir's webhook (JSON mobile and messageText) and a form POST work too; other text changes nothing", async () => {
    const a = await textedMember();
    await t.app.inject({ method: 'POST', url: `/sms/inbound/${SECRET}`, payload: { mobile: a.national.slice(1), messageText: 'سلام' } });
    expect(await a.optedOut()).toBe(false);
    await t.app.inject({ method: 'POST', url: `/sms/inbound/${SECRET}`, payload: { mobile: a.national.slice(1), messageText: '11' } });
    expect(await a.optedOut()).toBe(true);
    const b = await textedMember();
    const form = await t.app.inject({
      method: 'POST',
      url: `/sms/inbound/${SECRET}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ from: b.national, message: 'لغو' }).toString(),
    });
    expect(form.json()).toEqual({ optedOut: 1 });
  });

  it('a wrong secret is 404 and records nothing', async () => {
    const m = await textedMember();
    const res = await t.app.inject({ method: 'GET', url: `/sms/inbound/not-the-secret-000000?from=${m.national}&message=11` });
    expect(res.statusCode).toBe(404);
    expect(await m.optedOut()).toBe(false);
  });
});
