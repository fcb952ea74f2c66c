import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, joinedMember, ledgerSums, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
beforeAll(async () => {
  w = await createTestWorld();
});
afterAll(() => w.close());

describe('gift catalog', () => {
  it('shows a member only what is visible to them now, and what they can afford', async () => {
    const m = await w.newMerchant();
    await w.services.gifts.create(m, { title: 'Mug', costCurrency: 'coins', cost: 100 });
    await w.services.gifts.create(m, { title: 'Bag', costCurrency: 'points', cost: 5000 });
    await w.services.gifts.create(m, { title: 'Gold only', costCurrency: 'coins', cost: 1, tiers: ['gold'] });
    await w.services.gifts.create(m, { title: 'VIP group', costCurrency: 'coins', cost: 1, groups: ['vip'] });
    await w.services.gifts.create(m, { title: 'Later', costCurrency: 'coins', cost: 1, visibleFrom: '2026-12-01T00:00:00+03:30' });
    await w.services.gifts.create(m, { title: 'Ended', costCurrency: 'coins', cost: 1, visibleTo: '2026-11-01T00:00:00+03:30' });
    await w.services.gifts.create(m, { title: 'Hidden', costCurrency: 'coins', cost: 1, active: false });
    await w.services.gifts.create(m, { title: 'Gone', costCurrency: 'coins', cost: 1, stock: 0 });
    const mem = await joinedMember(w, m, { coins: 150 });
    const catalog = await w.services.gifts.catalog(m, mem);
    expect(catalog.map((g) => [g.title, g.affordable, g.available])).toEqual([
      ['Mug', true, true],
      ['Bag', false, true],
      ['Gone', true, false],
    ]);
    const vip = await w.services.members.tag(m, mem.id, ['vip']);
    expect((await w.services.gifts.catalog(m, vip)).map((g) => g.title)).toContain('VIP group');
  });

  it('rejects a bad gift with the field that is wrong', async () => {
    const m = await w.newMerchant();
    const err = await w.services.gifts.create(m, { title: 'x', costCurrency: 'rials', cost: 1 }).catch((e) => e);
    expect(err.code).toBe('invalid_gift');
    expect(err.details.issues.map((i: { field: string }) => i.field)).toEqual(['costCurrency']);
    await expect(
      w.services.gifts.create(m, {
        title: 'x',
        costCurrency: 'coins',
        cost: 1,
        visibleFrom: '2026-12-02T00:00:00Z',
        visibleTo: '2026-12-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'invalid_gift' });
  });

  it('a request holds the cost; approve, then ship with a tracking note; each step is news for the member', async () => {
    const m = await w.newMerchant();
    const gift = await w.services.gifts.create(m, { title: 'Mug', costCurrency: 'coins', cost: 100, stock: 2 });
    const mem = await joinedMember(w, m, { coins: 250 });
    const { request } = await w.services.gifts.request(m, mem, gift.id, 'req-1');
    expect(request).toMatchObject({ status: 'requested', cost: 100, giftTitle: 'Mug' });
    const again = await w.services.gifts.request(m, mem, gift.id, 'req-1');
    expect(again).toMatchObject({ replayed: true, request: { id: request.id } });
    expect((await storedBalances(w.db, mem.id)).balances.coins).toBe(150);
    expect((await w.services.gifts.list(m))[0]!.stock).toBe(1);

    expect(await w.services.gifts.requests(m, { status: 'requested' })).toHaveLength(1);
    await w.services.gifts.approve(m, request.id);
    await expect(w.services.gifts.approve(m, request.id)).rejects.toMatchObject({ code: 'invalid_transition' });
    const shipped = await w.services.gifts.ship(m, request.id, 'Post 1234-5678');
    expect(shipped).toMatchObject({ status: 'shipped', trackingNote: 'Post 1234-5678' });
    expect(shipped.history.map((h) => h.status)).toEqual(['requested', 'approved', 'shipped']);
    await expect(w.services.gifts.reject(m, request.id)).rejects.toMatchObject({ code: 'invalid_transition' });
    const events = await w.db.pool.query(
      "SELECT type, payload->>'status' AS status FROM outbox_events WHERE merchant_id = $1 AND type LIKE 'gift.%' ORDER BY id",
      [m],
    );
    expect(events.rows).toEqual([
      { type: 'gift.paid', status: null }, // the ledger's record of the held cost
      { type: 'gift.requested', status: null },
      { type: 'gift.status_changed', status: 'approved' },
      { type: 'gift.status_changed', status: 'shipped' },
    ]);
  });

  it('a rejected request gives the cost back through the ledger and the gift back to stock', async () => {
    const m = await w.newMerchant();
    const gift = await w.services.gifts.create(m, { title: 'Bag', costCurrency: 'points', cost: 300, stock: 1 });
    const mem = await joinedMember(w, m, { points: 300 });
    const { request } = await w.services.gifts.request(m, mem, gift.id, 'rej-1');
    expect((await storedBalances(w.db, mem.id)).balances.points).toBe(0);
    const other = await joinedMember(w, m, { points: 300 });
    await expect(w.services.gifts.request(m, other, gift.id, 'rej-2')).rejects.toMatchObject({ code: 'out_of_stock' });
    await w.services.gifts.reject(m, request.id, 'Out of this colour');
    const { balances } = await storedBalances(w.db, mem.id);
    expect(balances.points).toBe(300);
    expect(await ledgerSums(w.db, mem.id)).toEqual(balances);
    expect((await w.services.gifts.list(m))[0]!.stock).toBe(1);
    await expect(w.services.gifts.reject(m, request.id)).rejects.toMatchObject({ code: 'invalid_transition' });
    expect((await storedBalances(w.db, mem.id)).balances.points).toBe(300);
  });

  it('a member without the coins is refused and nothing is held', async () => {
    const m = await w.newMerchant();
    const gift = await w.services.gifts.create(m, { title: 'Mug', costCurrency: 'coins', cost: 100, stock: 3 });
    const mem = await joinedMember(w, m, { coins: 99 });
    await expect(w.services.gifts.request(m, mem, gift.id, 'poor')).rejects.toMatchObject({ code: 'insufficient_balance' });
    expect((await w.services.gifts.list(m))[0]!.stock).toBe(3);
    expect(await w.services.gifts.requests(m)).toHaveLength(0);
  });

  it('the last gift in stock goes to exactly one of many members asking at once', async () => {
    const m = await w.newMerchant();
    const gift = await w.services.gifts.create(m, { title: 'Last one', costCurrency: 'coins', cost: 10, stock: 3 });
    const members = await Promise.all(Array.from({ length: 20 }, () => joinedMember(w, m, { coins: 10 })));
    const outcomes = await Promise.allSettled(members.map((mem, i) => w.services.gifts.request(m, mem, gift.id, `race-${i}`)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code)).toEqual(
      Array(17).fill('out_of_stock'),
    );
    expect((await w.services.gifts.list(m))[0]!.stock).toBe(0);
    const paid = await w.db.pool.query("SELECT count(*)::int AS n FROM ledger_entries WHERE merchant_id = $1 AND reason = 'gift'", [m]);
    expect(paid.rows[0].n).toBe(3);
  });
});
