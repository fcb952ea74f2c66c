import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, newPhone, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
let merchantId: string;

beforeAll(async () => {
  w = await createTestWorld();
  merchantId = await w.newMerchant();
});
afterAll(() => w.close());

describe('members', () => {
  it('join once per phone; a second channel links to the same member', async () => {
    const phone = newPhone();
    const tg = await w.services.members.register({
      merchantId,
      phone,
      channel: 'telegram',
      externalUserId: '5001',
      chatId: '5001',
      sourceTag: 'instagram',
    });
    expect(tg).toMatchObject({
      claimed: false,
      alreadyActive: false,
      member: { status: 'active', sourceTag: 'instagram', tier: 'bronze' },
    });
    expect(tg.member.memberCode).toMatch(/^[2-9A-Z]{7}$/);
    const wa = await w.services.members.register({
      merchantId,
      phone: `0${phone.slice(3)}`,
      channel: 'whatsapp',
      externalUserId: `${phone.slice(1)}@c.us`,
    });
    expect(wa).toMatchObject({ alreadyActive: true, member: { id: tg.member.id } });
    expect((await w.services.members.findByIdentity(merchantId, 'whatsapp', `${phone.slice(1)}@c.us`))?.id).toBe(tg.member.id);
    const joined = await w.db.pool.query(
      "SELECT count(*)::int AS n FROM outbox_events WHERE type = 'member.joined' AND payload->>'member_id' = $1",
      [tg.member.id],
    );
    expect(joined.rows[0].n).toBe(1);
  });

  it('the same phone at two merchants is two members', async () => {
    const other = await w.newMerchant();
    const phone = newPhone();
    const a = await w.services.members.register({ merchantId, phone, channel: 'telegram', externalUserId: '6001' });
    const b = await w.services.members.register({ merchantId: other, phone, channel: 'telegram', externalUserId: '6001' });
    expect(a.member.id).not.toBe(b.member.id);
  });

  it('set a referrer once, never themselves', async () => {
    const referrer = (await w.services.members.register({ merchantId, phone: newPhone(), channel: 'telegram', externalUserId: '7001' }))
      .member;
    const phone = newPhone();
    const friend = await w.services.members.register({
      merchantId,
      phone,
      channel: 'telegram',
      externalUserId: '7002',
      referrerId: referrer.id,
    });
    expect(friend.member.referrerId).toBe(referrer.id);
    const other = (await w.services.members.register({ merchantId, phone: newPhone(), channel: 'telegram', externalUserId: '7003' }))
      .member;
    const again = await w.services.members.register({
      merchantId,
      phone,
      channel: 'whatsapp',
      externalUserId: 'x@c.us',
      referrerId: other.id,
    });
    expect(again.member.referrerId).toBe(referrer.id);
  });

  it('validate profile input and tags', async () => {
    const m = (await w.services.members.register({ merchantId, phone: newPhone(), channel: 'telegram', externalUserId: '8001' })).member;
    const updated = await w.services.members.updateProfile(merchantId, m.id, {
      firstName: '  سارا ',
      lastName: 'احمدی',
      city: 'تهران',
      gender: 'female',
      birthDate: new Date('1991-09-22'),
    });
    expect(updated).toMatchObject({ firstName: 'سارا', lastName: 'احمدی', city: 'تهران', gender: 'female' });
    await expect(w.services.members.updateProfile(merchantId, m.id, { firstName: 'abc123' })).rejects.toMatchObject({
      code: 'invalid_first_name',
    });
    await expect(w.services.members.updateProfile(merchantId, m.id, { birthDate: new Date('2030-01-01') })).rejects.toMatchObject({
      code: 'invalid_birth_date',
    });
    const tagged = await w.services.members.tag(merchantId, m.id, ['vip', 'قهوه‌دوست', 'vip']);
    expect(tagged.tags.sort()).toEqual(['vip', 'قهوه‌دوست'].sort());
    expect((await w.services.members.tag(merchantId, m.id, [], ['vip'])).tags).toEqual(['قهوه‌دوست']);
    await expect(w.services.members.tag(merchantId, m.id, ['bad tag'])).rejects.toMatchObject({ code: 'invalid_tag' });
  });

  it('blocked members cannot join or buy', async () => {
    const phone = newPhone();
    const m = (await w.services.members.register({ merchantId, phone, channel: 'telegram', externalUserId: '9001' })).member;
    await w.services.members.block(merchantId, m.id, true);
    await expect(w.services.members.register({ merchantId, phone, channel: 'telegram', externalUserId: '9001' })).rejects.toMatchObject({
      code: 'member_blocked',
    });
    await expect(w.services.purchases.record(merchantId, { orderId: 'blocked-1', phone, amount: 100_000 }, 'api')).rejects.toMatchObject({
      code: 'member_blocked',
    });
    expect((await w.services.members.block(merchantId, m.id, false)).status).toBe('active');
  });
});
