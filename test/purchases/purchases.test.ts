import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketSums, createTestWorld, ledgerSums, newPhone, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
let merchantId: string;

beforeAll(async () => {
  w = await createTestWorld();
  // 10 points per 100,000; 1 coin per 50,000; 2% cashback.
  merchantId = await w.newMerchant({ earning: { coinsPerAmount: { coins: 1, amount: 50_000 }, cashbackPercent: 2 } });
});
afterAll(() => w.close());

const buy = (orderId: string, phone: string, amount: number, extra: object = {}) =>
  w.services.purchases.record(merchantId, { orderId, phone, amount, ...extra }, 'api');

describe('purchases', () => {
  it('accrue to a pending member, whom joining later claims with all balances', async () => {
    const phone = newPhone();
    const local = `0${phone.slice(3)}`.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!); // ۰۹۱۲… typed in Persian digits
    const out = await buy('ord-pending-1', local, 1_250_000);
    expect(out).toMatchObject({
      status: 'pending_member',
      awarded: { points: 125, coins: 25, credit: 25_000 },
      balances: { points: 125, coins: 25, credit: 25_000 },
      tier: 'bronze',
      replayed: false,
    });
    expect(out.rules).toEqual(['base']);

    const joined = await w.services.members.register({
      merchantId,
      phone,
      channel: 'telegram',
      externalUserId: '777001',
      chatId: '777001',
    });
    expect(joined).toMatchObject({ claimed: true, alreadyActive: false });
    expect(joined.member).toMatchObject({ id: out.memberId, status: 'active', balances: { points: 125, coins: 25, credit: 25_000 } });

    const next = await buy('ord-pending-2', phone, 100_000);
    expect(next.status).toBe('credited');
    expect(next.balances.points).toBe(135);
  });

  it('replay the same order with the same content and refuse other content', async () => {
    const phone = newPhone();
    const first = await buy('ord-replay', phone, 300_000, { branch: 'vanak' });
    const again = await buy('ord-replay', phone, 300_000, { branch: 'vanak' });
    expect(again).toEqual({ ...first, replayed: true });
    await expect(buy('ord-replay', phone, 300_001, { branch: 'vanak' })).rejects.toMatchObject({
      code: 'order_conflict',
      kind: 'conflict',
    });
    const count = await w.db.pool.query("SELECT count(*)::int AS n FROM purchases WHERE merchant_id = $1 AND order_id = 'ord-replay'", [
      merchantId,
    ]);
    expect(count.rows[0].n).toBe(1);
  });

  it('convert Rial purchases into the club currency (Toman)', async () => {
    const out = await buy('ord-rial', newPhone(), 10_000_000, { currency: 'IRR' });
    expect(out.awarded.points).toBe(100); // 1,000,000 Toman
  });

  it('50 identical webhooks at once credit once', async () => {
    const phone = newPhone();
    const results = await Promise.all(Array.from({ length: 50 }, () => buy('ord-storm', phone, 500_000)));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const m = await w.services.members.findByPhone(merchantId, phone);
    expect(m!.balances.points).toBe(50);
    expect(m!.purchaseCount).toBe(1);
  });

  it('are refused for bad input without writing anything', async () => {
    await expect(buy('ord-bad-phone', '12345', 1000)).rejects.toMatchObject({ code: 'invalid_phone' });
    await expect(buy('', newPhone(), 1000)).rejects.toMatchObject({ code: 'invalid_order_id' });
    await expect(buy('ord-bad-amount', newPhone(), 0)).rejects.toMatchObject({ code: 'invalid_amount' });
    await expect(w.services.purchases.record(merchantId, { orderId: 'ord-x', amount: 1000 }, 'api')).rejects.toMatchObject({
      code: 'member_required',
    });
    await expect(
      w.services.purchases.record(merchantId, { orderId: 'ord-y', memberCode: 'ZZZZZZZ', amount: 1000 }, 'api'),
    ).rejects.toMatchObject({ code: 'member_not_found' });
    const n = await w.db.pool.query(
      "SELECT count(*)::int AS n FROM purchases WHERE order_id IN ('ord-bad-phone','ord-bad-amount','ord-x','ord-y')",
    );
    expect(n.rows[0].n).toBe(0);
  });

  it('use the member’s current tier even when it changed elsewhere since this process last saw it', async () => {
    const m = await w.newMerchant({ earning: { tierBenefits: { silver: { pointsMultiplier: 2 } } } });
    const phone = newPhone();
    const first = await w.services.purchases.record(m, { orderId: 't-1', phone, amount: 100_000 }, 'api');
    expect(first.awarded.points).toBe(10);
    // Another replica (here: a direct ledger call) lifts the member to silver.
    await w.services.ledger.earn({
      merchantId: m,
      memberId: first.memberId,
      currency: 'points',
      amount: 600,
      reason: 'bonus',
      idempotencyKey: 'lift',
      actor: 't',
    });
    const second = await w.services.purchases.record(m, { orderId: 't-2', phone, amount: 100_000 }, 'api');
    expect(second).toMatchObject({ tier: 'silver', awarded: { points: 20 }, rules: ['base', 'tier_silver'] });
  });

  it('by member code work as by phone', async () => {
    const phone = newPhone();
    const { member } = await w.services.members.register({
      merchantId,
      phone,
      channel: 'whatsapp',
      externalUserId: `${phone.slice(1)}@c.us`,
    });
    const out = await w.services.purchases.record(
      merchantId,
      { orderId: 'ord-code', memberCode: member.memberCode.toLowerCase(), amount: 200_000 },
      'pos',
    );
    expect(out).toMatchObject({ memberId: member.id, status: 'credited', awarded: { points: 20 } });
  });
});

describe('refunds', () => {
  it('reverse proportionally, and a full refund reverses exactly what was awarded', async () => {
    const phone = newPhone();
    await buy('ord-r1', phone, 1_000_000); // 100 points, 20 coins, 20,000 credit
    const part = await w.services.purchases.refund(merchantId, { refundId: 'rf-1a', orderId: 'ord-r1', amount: 333_333 }, 'api');
    expect(part.reversed).toEqual({ points: 33, coins: 6, credit: 6_666 });
    expect(part).toMatchObject({ refundedTotal: 333_333, remaining: 666_667, shortfall: { points: 0, coins: 0, credit: 0 } });
    const rest = await w.services.purchases.refund(merchantId, { refundId: 'rf-1b', orderId: 'ord-r1' }, 'api');
    expect(rest.reversed).toEqual({ points: 67, coins: 14, credit: 13_334 });
    expect(rest.balances).toEqual({ points: 0, coins: 0, credit: 0 });
    await expect(w.services.purchases.refund(merchantId, { refundId: 'rf-1c', orderId: 'ord-r1', amount: 1 }, 'api')).rejects.toMatchObject(
      { code: 'already_refunded', kind: 'unprocessable' },
    );
  });

  it('after the member spent part of the reward, zero the balance and take the rest from later earnings', async () => {
    const phone = newPhone();
    const p = await buy('ord-r2', phone, 1_000_000); // 20 coins
    await w.services.ledger.spend({
      merchantId,
      memberId: p.memberId,
      currency: 'coins',
      amount: 15,
      reason: 'wheel',
      idempotencyKey: `spin-${p.memberId}`,
      actor: 'member',
    });
    const r = await w.services.purchases.refund(merchantId, { refundId: 'rf-2', orderId: 'ord-r2' }, 'api');
    expect(r.reversed.coins).toBe(20);
    expect(r.shortfall.coins).toBe(15);
    expect(r.balances.coins).toBe(0);
    expect((await storedBalances(w.db, p.memberId)).debts.coins).toBe(15);

    const later = await buy('ord-r2-next', phone, 1_000_000); // earns 20 coins, 15 go to the debt
    expect(later.balances.coins).toBe(5);
    expect((await storedBalances(w.db, p.memberId)).debts.coins).toBe(0);
    const reasons = await w.db.pool.query(
      "SELECT reason, amount FROM ledger_entries WHERE member_id = $1 AND currency = 'coins' ORDER BY id",
      [p.memberId],
    );
    expect(reasons.rows.map((r) => [r.reason, Number(r.amount)])).toEqual([
      ['purchase', 20],
      ['wheel', -15],
      ['refund', -5],
      ['purchase', 20],
      ['debt_recovery', -15],
    ]);
    const stored = await storedBalances(w.db, p.memberId);
    expect(await ledgerSums(w.db, p.memberId)).toEqual(stored.balances);
    expect(await bucketSums(w.db, p.memberId)).toEqual(stored.balances);
  });

  it('are idempotent on refundId, 404 for unknown orders, 422 beyond what remains', async () => {
    await buy('ord-r3', newPhone(), 500_000);
    const a = await w.services.purchases.refund(merchantId, { refundId: 'rf-3', orderId: 'ord-r3', amount: 100_000 }, 'api');
    const b = await w.services.purchases.refund(merchantId, { refundId: 'rf-3', orderId: 'ord-r3', amount: 100_000 }, 'api');
    expect(b).toEqual({ ...a, replayed: true });
    await expect(
      w.services.purchases.refund(merchantId, { refundId: 'rf-3', orderId: 'ord-r3', amount: 200_000 }, 'api'),
    ).rejects.toMatchObject({ code: 'refund_conflict' });
    await expect(w.services.purchases.refund(merchantId, { refundId: 'rf-404', orderId: 'nope' }, 'api')).rejects.toMatchObject({
      code: 'order_not_found',
      kind: 'not_found',
    });
    await expect(
      w.services.purchases.refund(merchantId, { refundId: 'rf-big', orderId: 'ord-r3', amount: 400_001 }, 'api'),
    ).rejects.toMatchObject({ code: 'refund_exceeds_purchase', details: { remaining: 400_000 } });
  });

  it('racing partial refunds of one order never take back more than it awarded', async () => {
    const p = await buy('ord-r4', newPhone(), 1_000_000);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        w.services.purchases.refund(merchantId, { refundId: `rf-4-${i}`, orderId: 'ord-r4', amount: 100_000 }, 'api'),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    const row = (await w.db.pool.query("SELECT refunded_amount, reversed_points FROM purchases WHERE order_id = 'ord-r4'")).rows[0];
    expect(Number(row.refunded_amount)).toBe(1_000_000);
    expect(Number(row.reversed_points)).toBe(100);
    expect((await storedBalances(w.db, p.memberId)).balances.points).toBe(0);
  });
});
