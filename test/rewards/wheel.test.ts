import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawPrize } from '../../src/domain/rewards/wheel.js';
import { createTestWorld, joinedMember, ledgerSums, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
beforeAll(async () => {
  w = await createTestWorld();
});
afterAll(() => w.close());

describe('wheel draws', () => {
  it('over 100,000 draws the prizes come up as often as their weights say (chi-square, p > 0.001)', () => {
    const prizes = [50, 25, 15, 9, 1].map((weight, i) => ({ id: `p${i}`, weight, remaining: null }));
    const counts = new Map<string, number>();
    const N = 100_000;
    for (let i = 0; i < N; i++) {
      const p = drawPrize(prizes)!;
      counts.set(p.id, (counts.get(p.id) ?? 0) + 1);
    }
    const chi = prizes.reduce((s, p) => {
      const expected = (N * p.weight) / 100;
      return s + (counts.get(p.id)! - expected) ** 2 / expected;
    }, 0);
    expect(chi).toBeLessThan(18.47); // 4 degrees of freedom, 0.1% critical value
  });

  it('a prize out of stock never comes up; with every prize out, there is no draw', () => {
    const prizes = [
      { id: 'gone', weight: 1000, remaining: 0 },
      { id: 'left', weight: 1, remaining: 3 },
    ];
    for (let i = 0; i < 1000; i++) expect(drawPrize(prizes)!.id).toBe('left');
    expect(drawPrize([{ id: 'x', weight: 5, remaining: 0 }])).toBeNull();
  });
});

describe('the wheel', () => {
  it('is replaced through validation: probabilities must add up, prizes need what they give', async () => {
    const m = await w.newMerchant();
    await expect(w.services.wheel.replace(m, { prizes: [{ label: 'x', kind: 'points', weight: 1 }] })).rejects.toMatchObject({
      code: 'invalid_wheel',
    });
    await expect(
      w.services.wheel.replace(m, {
        prizes: [
          { label: 'a', kind: 'nothing', probability: 0.5 },
          { label: 'b', kind: 'coins', amount: 5, probability: 0.4 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'invalid_wheel', message: expect.stringContaining('add up to 0.9') });
    await expect(
      w.services.wheel.replace(m, { minTier: 'diamond', prizes: [{ label: 'a', kind: 'nothing', weight: 1 }] }),
    ).rejects.toMatchObject({ code: 'invalid_wheel' });
    const cfg = await w.services.wheel.replace(m, {
      costCoins: 10,
      prizes: [
        { label: 'a', kind: 'nothing', probability: 0.75 },
        { label: 'b', kind: 'coins', amount: 5, probability: 0.25 },
      ],
    });
    expect(cfg.prizes.map((p) => p.weight)).toEqual([750_000, 250_000]);
  });

  it('takes the cost and gives the prize in one go; a double tap (same key) spins once', async () => {
    const m = await w.newMerchant();
    await w.services.wheel.replace(m, { costCoins: 10, prizes: [{ label: '۵۰ امتیاز', kind: 'points', amount: 50, weight: 1 }] });
    const mem = await joinedMember(w, m, { coins: 25 });
    const [a, b] = await Promise.all([w.services.wheel.spin(m, mem, 'tap-1'), w.services.wheel.spin(m, mem, 'tap-1')]);
    expect(a.spinId).toBe(b.spinId);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(a.prize).toMatchObject({ kind: 'points', amount: 50 });
    const { balances } = await storedBalances(w.db, mem.id);
    expect(balances).toMatchObject({ coins: 15, points: 50 });
    expect(await ledgerSums(w.db, mem.id)).toEqual(balances);
    const spins = await w.db.pool.query('SELECT count(*)::int AS n FROM wheel_spins WHERE member_id = $1', [mem.id]);
    expect(spins.rows[0].n).toBe(1);
  });

  it('refuses a spin without enough coins and leaves stock and balances as they were', async () => {
    const m = await w.newMerchant();
    await w.services.wheel.replace(m, { costCoins: 30, prizes: [{ label: 'p', kind: 'coins', amount: 100, weight: 1, stock: 5 }] });
    const mem = await joinedMember(w, m, { coins: 20 });
    await expect(w.services.wheel.spin(m, mem, 'poor')).rejects.toMatchObject({ code: 'insufficient_balance' });
    expect((await w.services.wheel.config(m))!.prizes[0]!.remaining).toBe(5);
    expect((await storedBalances(w.db, mem.id)).balances.coins).toBe(20);
    expect(await w.services.wheel.availability(m, mem)).toMatchObject({ allowed: false, reason: 'coins' });
  });

  it('stock never goes below zero under 50 parallel spins; the rest fall to the other prizes', async () => {
    const m = await w.newMerchant();
    await w.services.wheel.replace(m, {
      prizes: [
        { label: 'rare', kind: 'coins', amount: 1000, weight: 1_000_000, stock: 7 },
        { label: 'again', kind: 'nothing', weight: 1 },
      ],
    });
    const members = await Promise.all(Array.from({ length: 50 }, () => joinedMember(w, m)));
    const results = await Promise.all(members.map((mem, i) => w.services.wheel.spin(m, mem, `par-${i}`)));
    expect(results.filter((r) => r.prize.label === 'rare')).toHaveLength(7);
    expect(results.filter((r) => r.prize.label === 'again')).toHaveLength(43);
    expect((await w.services.wheel.config(m))!.prizes[0]!.remaining).toBe(0);
    const paid = await w.db.pool.query(
      "SELECT coalesce(sum(amount), 0)::int AS total FROM ledger_entries WHERE merchant_id = $1 AND reason = 'wheel'",
      [m],
    );
    expect(paid.rows[0].total).toBe(7000);
  });

  it('holds the per-day and per-week limits on Tehran days and Iranian weeks (from Saturday)', async () => {
    const m = await w.newMerchant();
    await w.services.wheel.replace(m, { perDay: 2, perWeek: 3, prizes: [{ label: 'x', kind: 'nothing', weight: 1 }] });
    const mem = await joinedMember(w, m);
    w.clock.set('2026-11-21T20:00:00Z'); // Saturday 23:30 in Tehran
    await w.services.wheel.spin(m, mem, 'd1');
    await w.services.wheel.spin(m, mem, 'd2');
    await expect(w.services.wheel.spin(m, mem, 'd3')).rejects.toMatchObject({ code: 'limit_per_day' });
    expect(await w.services.wheel.availability(m, mem)).toMatchObject({ allowed: false, reason: 'limit' });
    w.clock.set('2026-11-21T20:31:00Z'); // Sunday 00:01 in Tehran: a new day, same week
    expect(await w.services.wheel.availability(m, mem)).toMatchObject({ allowed: true, spinsLeft: 1 });
    await w.services.wheel.spin(m, mem, 'd4');
    await expect(w.services.wheel.spin(m, mem, 'd5')).rejects.toMatchObject({ code: 'limit_per_week' });
    w.clock.set('2026-11-27T20:31:00Z'); // the next Saturday in Tehran
    await w.services.wheel.spin(m, mem, 'd6');
    w.clock.set('2026-11-23T08:00:00Z');
  });

  it('is limited by tier', async () => {
    const m = await w.newMerchant(); // default tiers: bronze, silver, gold
    await w.services.wheel.replace(m, { minTier: 'gold', prizes: [{ label: 'x', kind: 'nothing', weight: 1 }] });
    const mem = await joinedMember(w, m);
    expect(await w.services.wheel.availability(m, mem)).toMatchObject({ allowed: false, reason: 'tier' });
    await expect(w.services.wheel.spin(m, mem, 't1')).rejects.toMatchObject({ code: 'tier_too_low' });
  });

  it('a change of prizes never alters spins already made', async () => {
    const m = await w.newMerchant();
    await w.services.wheel.replace(m, { prizes: [{ label: 'old', kind: 'credit', amount: 5000, expiresInDays: 10, weight: 1 }] });
    const mem = await joinedMember(w, m);
    const first = await w.services.wheel.spin(m, mem, 'c1');
    await w.services.wheel.replace(m, { prizes: [{ label: 'new', kind: 'nothing', weight: 1 }] });
    const replay = await w.services.wheel.spin(m, mem, 'c1');
    expect(replay).toMatchObject({ replayed: true, prize: { label: 'old', amount: 5000 } });
    expect(first.prize.label).toBe('old');
    const bucket = await w.db.pool.query("SELECT expires_at FROM earn_buckets WHERE member_id = $1 AND currency = 'credit'", [mem.id]);
    expect(bucket.rows[0].expires_at.getTime()).toBe(new Date('2026-12-03T08:00:00Z').getTime());
    expect((await w.services.wheel.spin(m, mem, 'c2')).prize.label).toBe('new');
  });

  it('a voucher prize hands the member a fresh code; a gift prize enters the gift queue at no cost', async () => {
    const m = await w.newMerchant();
    const campaign = await w.services.vouchers.createCampaign(m, { name: '10%', kind: 'percent', value: 10 });
    await w.services.vouchers.generate(m, campaign.id, 3);
    const gift = await w.services.gifts.create(m, { title: 'Mug', costCurrency: 'coins', cost: 500 });
    await w.services.wheel.replace(m, { prizes: [{ label: 'v', kind: 'voucher', voucherCampaignId: campaign.id, weight: 1 }] });
    const mem = await joinedMember(w, m);
    const v = await w.services.wheel.spin(m, mem, 'v1');
    expect(v.prize.voucherCode).toMatch(/^[A-Z2-9]{8,}$/);
    expect((await w.services.vouchers.memberVouchers(m, mem.id)).map((x) => x.code)).toEqual([v.prize.voucherCode]);
    await w.services.wheel.replace(m, { prizes: [{ label: 'g', kind: 'gift', giftId: gift.id, weight: 1 }] });
    const g = await w.services.wheel.spin(m, mem, 'g1');
    const [request] = await w.services.gifts.requests(m, { memberId: mem.id });
    expect(request).toMatchObject({ id: g.prize.giftRequestId, giftTitle: 'Mug', status: 'requested', cost: 0, source: 'wheel' });
  });
});
