import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoClub } from '../../src/app/demo-club.js';
import { createTestWorld, joinedMember, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
beforeAll(async () => {
  w = await createTestWorld();
});
afterAll(() => w.close());

describe('the local demo club', () => {
  it('gets a free wheel, gifts, vouchers for coins and an open raffle, once', async () => {
    const m = await w.newMerchant();
    expect(await seedDemoClub(w.services, m, w.clock.now())).toBe(true);
    const wheel = (await w.services.wheel.config(m))!;
    expect(wheel).toMatchObject({ costCoins: 0, perDay: 3 });
    expect(wheel.prizes.map((p) => p.kind)).toEqual(['coins', 'points', 'credit', 'voucher', 'nothing']);
    expect(wheel.prizes[3]!.voucherCampaignId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await w.services.gifts.list(m)).toHaveLength(4);
    expect((await w.services.vouchers.exchangeable(m)).map((c) => c.coinPrice)).toEqual([30, 60]);
    expect(await w.services.raffles.open(m)).toHaveLength(1);

    // A new member can spin straight away.
    const member = await joinedMember(w, m);
    expect(await w.services.wheel.availability(m, member)).toMatchObject({ allowed: true, spinsLeft: 3 });
    expect(await seedDemoClub(w.services, m, w.clock.now())).toBe(false);
    expect(await w.services.gifts.list(m)).toHaveLength(4);
  });
});
