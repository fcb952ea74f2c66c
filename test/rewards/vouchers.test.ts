import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ALPHABET } from '../../src/domain/members/codes.js';
import { createTestWorld, joinedMember, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
beforeAll(async () => {
  w = await createTestWorld();
});
afterAll(() => w.close());

describe('voucher rules', () => {
  it('percent with a cap, fixed, free shipping and a gift item each take off what they promise', async () => {
    const m = await w.newMerchant();
    const shared = async (code: string, c: Record<string, unknown>) =>
      w.services.vouchers.createCampaign(m, { name: code, sharedCode: code, ...c });
    await shared('PCT20', { kind: 'percent', value: 20, maxDiscount: 50_000 });
    await shared('FIX30', { kind: 'fixed', value: 30_000 });
    await shared('SHIPFREE', { kind: 'free_shipping' });
    await shared('MUGGIFT', { kind: 'gift_item', giftItem: 'Mug' });
    const check = (code: string, amount: number) => w.services.vouchers.validate(m, { code, amount });
    expect(await check('PCT20', 100_000)).toMatchObject({ ok: true, discount: 20_000 });
    expect(await check('pct20', 1_000_000)).toMatchObject({ ok: true, discount: 50_000 }); // capped; typed in lower case
    expect(await check('FIX30', 20_000)).toMatchObject({ ok: true, discount: 20_000 }); // never more than the basket
    expect(await check('SHIPFREE', 1)).toMatchObject({ ok: true, discount: 0, freeShipping: true });
    expect(await check('MUGGIFT', 1)).toMatchObject({ ok: true, giftItem: 'Mug' });
    expect(await check('NOPE22', 1)).toMatchObject({ ok: false, reason: 'unknown_code', message: 'No voucher with this code' });
  });

  it('window (Jalali days, whole Tehran days), minimum purchase, categories and tiers', async () => {
    const m = await w.newMerchant();
    await w.services.vouchers.createCampaign(m, {
      name: 'azar',
      kind: 'percent',
      value: 10,
      sharedCode: 'AZAR10',
      validFrom: '۱۴۰۵/۰۹/۰۱',
      validTo: '1405/09/02',
      minPurchase: 500_000,
    });
    await w.services.vouchers.createCampaign(m, {
      name: 'books',
      kind: 'percent',
      value: 50,
      sharedCode: 'BOOKS50',
      categories: ['books'],
    });
    await w.services.vouchers.createCampaign(m, { name: 'gold', kind: 'fixed', value: 1000, sharedCode: 'GOLDONLY', tiers: ['gold'] });
    const mem = await joinedMember(w, m);
    const at = async (
      moment: string,
      code: string,
      amount: number,
      items?: { sku: string; category?: string; quantity: number; unitPrice: number }[],
    ) => {
      w.clock.set(moment);
      return w.services.vouchers.validate(m, { code, amount, items, memberId: mem.id });
    };
    expect(await at('2026-11-21T20:29:00Z', 'AZAR10', 600_000)).toMatchObject({ ok: false, reason: 'not_started' }); // 30 Aban 23:59 Tehran
    expect(await at('2026-11-21T20:31:00Z', 'AZAR10', 600_000)).toMatchObject({ ok: true, discount: 60_000 }); // 1 Azar 00:01
    expect(await at('2026-11-23T20:29:00Z', 'AZAR10', 600_000)).toMatchObject({ ok: true }); // 2 Azar 23:59
    expect(await at('2026-11-23T20:31:00Z', 'AZAR10', 600_000)).toMatchObject({
      ok: false,
      reason: 'expired',
      message: 'This voucher has expired',
    });
    expect(await at('2026-11-22T10:00:00Z', 'AZAR10', 499_999)).toMatchObject({ ok: false, reason: 'below_minimum' });
    const basket = [
      { sku: 'b1', category: 'books', quantity: 2, unitPrice: 100_000 },
      { sku: 'p1', category: 'pens', quantity: 1, unitPrice: 300_000 },
    ];
    expect(await at('2026-11-22T10:00:00Z', 'BOOKS50', 500_000, basket)).toMatchObject({ ok: true, discount: 100_000 });
    expect(await at('2026-11-22T10:00:00Z', 'BOOKS50', 300_000, basket.slice(1))).toMatchObject({ ok: false, reason: 'no_matching_items' });
    expect(await at('2026-11-22T10:00:00Z', 'GOLDONLY', 10_000)).toMatchObject({ ok: false, reason: 'tier_not_allowed' });
    w.clock.set('2026-11-23T08:00:00Z');
  });

  it('codes come in batches from an unambiguous alphabet, all different', async () => {
    const m = await w.newMerchant();
    const c = await w.services.vouchers.createCampaign(m, { name: 'batch', kind: 'fixed', value: 10_000 });
    const codes = await w.services.vouchers.generate(m, c.id, 2000);
    expect(new Set(codes).size).toBe(2000);
    for (const code of codes) expect([...code].every((ch) => CODE_ALPHABET.includes(ch))).toBe(true);
    expect(codes[0]).toHaveLength(10);
    await expect(w.services.vouchers.generate(m, c.id, 0)).rejects.toMatchObject({ code: 'invalid_count' });
    await expect(w.services.vouchers.createCampaign(m, { name: 'x', kind: 'percent', value: 120 })).rejects.toMatchObject({
      code: 'invalid_campaign',
    });
    await expect(
      w.services.vouchers.createCampaign(m, { name: 'x', kind: 'fixed', value: 1, sharedCode: 'TAKE 10%!' }),
    ).rejects.toMatchObject({ code: 'invalid_code' });
  });

  it('a shared code belongs to one campaign of a club (as typed, any case); another club may use it too', async () => {
    const [m, other] = [await w.newMerchant(), await w.newMerchant()];
    await w.services.vouchers.createCampaign(m, { name: 'a', kind: 'fixed', value: 1000, sharedCode: 'SPRING' });
    await expect(
      w.services.vouchers.createCampaign(m, { name: 'b', kind: 'fixed', value: 2000, sharedCode: 'spring' }),
    ).rejects.toMatchObject({
      code: 'shared_code_taken',
      kind: 'conflict',
    });
    expect((await w.services.vouchers.campaigns(m)).map((c) => c.name)).toEqual(['a']);
    await expect(
      w.services.vouchers.createCampaign(other, { name: 'c', kind: 'fixed', value: 1000, sharedCode: 'SPRING' }),
    ).resolves.toMatchObject({
      sharedCode: 'SPRING',
    });
  });
});

describe('redemption', () => {
  it('is idempotent on orderId; another order with a used single-use code is refused', async () => {
    const m = await w.newMerchant();
    const c = await w.services.vouchers.createCampaign(m, { name: 'single', kind: 'fixed', value: 10_000 });
    const [code] = await w.services.vouchers.generate(m, c.id, 1);
    const first = await w.services.vouchers.redeem(m, { code: code!, orderId: 'o-1', amount: 50_000 });
    expect(first).toMatchObject({ replayed: false, discount: 10_000 });
    expect(await w.services.vouchers.redeem(m, { code: code!, orderId: 'o-1', amount: 50_000 })).toMatchObject({
      replayed: true,
      discount: 10_000,
    });
    await expect(w.services.vouchers.redeem(m, { code: code!, orderId: 'o-1', amount: 70_000 })).rejects.toMatchObject({
      code: 'redemption_conflict',
    });
    await expect(w.services.vouchers.redeem(m, { code: code!, orderId: 'o-2', amount: 50_000 })).rejects.toMatchObject({
      code: 'voucher_already_redeemed',
    });
    expect(await w.services.vouchers.validate(m, { code: code!, amount: 50_000 })).toMatchObject({ ok: false, reason: 'already_redeemed' });
  });

  it('20 orders racing for one single-use code: exactly one wins', async () => {
    const m = await w.newMerchant();
    const c = await w.services.vouchers.createCampaign(m, { name: 'race', kind: 'fixed', value: 10_000 });
    const [code] = await w.services.vouchers.generate(m, c.id, 1);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => w.services.vouchers.redeem(m, { code: code!, orderId: `race-${i}`, amount: 50_000 })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const redemptions = await w.db.pool.query('SELECT count(*)::int AS n FROM voucher_redemptions WHERE merchant_id = $1', [m]);
    expect(redemptions.rows[0].n).toBe(1);
  });

  it('a shared code keeps its total and per-member limits under parallel redemption', async () => {
    const m = await w.newMerchant();
    await w.services.vouchers.createCampaign(m, {
      name: 'shared',
      kind: 'percent',
      value: 10,
      sharedCode: 'YALDA5',
      totalLimit: 5,
      perMemberLimit: 2,
    });
    const a = await joinedMember(w, m);
    const [x, y] = await Promise.allSettled(
      [1, 2, 3].map((i) => w.services.vouchers.redeem(m, { code: 'YALDA5', orderId: `a-${i}`, amount: 100_000, memberId: a.id })),
    ).then((all) => [
      all.filter((o) => o.status === 'fulfilled').length,
      all.filter((o) => o.status === 'rejected' && (o.reason as { code: string }).code === 'voucher_member_limit_reached').length,
    ]);
    expect([x, y]).toEqual([2, 1]);
    const others = await Promise.all(Array.from({ length: 6 }, () => joinedMember(w, m)));
    const rest = await Promise.allSettled(
      others.map((o, i) => w.services.vouchers.redeem(m, { code: 'YALDA5', orderId: `o-${i}`, amount: 100_000, memberId: o.id })),
    );
    expect(rest.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    expect(rest.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code)).toEqual(
      Array(3).fill('voucher_limit_reached'),
    );
  });

  it("a member's code cannot be used by another member", async () => {
    const m = await w.newMerchant();
    const c = await w.services.vouchers.createCampaign(m, { name: 'personal', kind: 'fixed', value: 5_000 });
    const owner = await joinedMember(w, m);
    const other = await joinedMember(w, m);
    const code = await w.services.vouchers.give(m, c.id, owner.id, 'campaign');
    expect(await w.services.vouchers.validate(m, { code, amount: 10_000, memberId: other.id })).toMatchObject({
      ok: false,
      reason: 'not_yours',
    });
    await expect(w.services.vouchers.redeem(m, { code, orderId: 'p-1', amount: 10_000, phone: other.phone })).rejects.toMatchObject({
      code: 'voucher_not_yours',
    });
    expect(await w.services.vouchers.redeem(m, { code, orderId: 'p-2', amount: 10_000, phone: owner.phone })).toMatchObject({
      discount: 5_000,
    });
    const mine = await w.services.vouchers.memberVouchers(m, owner.id);
    expect(mine).toMatchObject([{ code, status: 'redeemed' }]);
  });
});

describe('coins for vouchers', () => {
  it('a member buys a code with coins once per key; without the coins nothing is given', async () => {
    const m = await w.newMerchant();
    const c = await w.services.vouchers.createCampaign(m, {
      name: '15% for 40 coins',
      kind: 'percent',
      value: 15,
      coinPrice: 40,
      validTo: '1405/12/29',
    });
    expect((await w.services.vouchers.exchangeable(m)).map((x) => x.id)).toEqual([c.id]);
    const mem = await joinedMember(w, m, { coins: 100 });
    const [a, b] = await Promise.all([
      w.services.vouchers.exchange(m, mem.id, c.id, 'tap'),
      w.services.vouchers.exchange(m, mem.id, c.id, 'tap'),
    ]);
    expect(a).toBe(b);
    expect((await storedBalances(w.db, mem.id)).balances.coins).toBe(60);
    await w.services.vouchers.exchange(m, mem.id, c.id, 'tap-2');
    await expect(w.services.vouchers.exchange(m, mem.id, c.id, 'tap-3')).rejects.toMatchObject({ code: 'insufficient_balance' });
    expect((await storedBalances(w.db, mem.id)).balances.coins).toBe(20);
    expect(await w.services.vouchers.memberVouchers(m, mem.id)).toHaveLength(2);
  });
});
