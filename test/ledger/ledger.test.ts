import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { bucketSums, createTestWorld, ledgerSums, newPhone, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
let merchantId: string;

beforeAll(async () => {
  w = await createTestWorld();
  merchantId = await w.newMerchant({ expiry: { creditDays: 30 } });
});
afterAll(() => w.close());

async function newMember() {
  return (await w.services.members.ensurePending(merchantId, newPhone())).member;
}

const earn = (memberId: string, currency: 'points' | 'coins' | 'credit', amount: number, key: string, extra: object = {}) =>
  w.services.ledger.earn({ merchantId, memberId, currency, amount, reason: 'bonus', idempotencyKey: key, actor: 'test', ...extra });
const spend = (memberId: string, currency: 'points' | 'coins' | 'credit', amount: number, key: string, extra: object = {}) =>
  w.services.ledger.spend({ merchantId, memberId, currency, amount, reason: 'gift', idempotencyKey: key, actor: 'test', ...extra });

describe('ledger', () => {
  it('writes one immutable entry per change, with the balance after it', async () => {
    const m = await newMember();
    await earn(m.id, 'coins', 300, `e1-${m.id}`);
    const out = await spend(m.id, 'coins', 120, `s1-${m.id}`);
    expect(out.result.balances.coins).toBe(180);
    const { rows } = await w.db.pool.query('SELECT amount, balance_after, reason FROM ledger_entries WHERE member_id = $1 ORDER BY id', [
      m.id,
    ]);
    expect(rows.map((r) => [Number(r.amount), Number(r.balance_after), r.reason])).toEqual([
      [300, 300, 'bonus'],
      [-120, 180, 'gift'],
    ]);
    await expect(w.db.pool.query('UPDATE ledger_entries SET amount = 1 WHERE member_id = $1', [m.id])).rejects.toThrow(/immutable/);
    await expect(w.db.pool.query('DELETE FROM ledger_entries WHERE member_id = $1', [m.id])).rejects.toThrow(/immutable/);
  });

  it('refuses a spend that does not fit, and writes nothing', async () => {
    const m = await newMember();
    await earn(m.id, 'coins', 50, `e-${m.id}`);
    const err = await spend(m.id, 'coins', 51, `s-${m.id}`).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'insufficient_balance', details: { requested: 51, balance: 50, usable: 50 } });
    expect((await storedBalances(w.db, m.id)).balances.coins).toBe(50);
    const ops = await w.db.pool.query('SELECT count(*)::int AS n FROM ledger_operations WHERE member_id = $1', [m.id]);
    expect(ops.rows[0].n).toBe(1);
    // The failed key is free: the same spend can be retried once it fits.
    await earn(m.id, 'coins', 1, `e2-${m.id}`);
    expect((await spend(m.id, 'coins', 51, `s-${m.id}`)).result.balances.coins).toBe(0);
  });

  it('replays the same key with the same content, and rejects it with other content', async () => {
    const m = await newMember();
    const first = await earn(m.id, 'points', 40, `k-${m.id}`);
    const again = await earn(m.id, 'points', 40, `k-${m.id}`);
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.result).toEqual(first.result);
    await expect(earn(m.id, 'points', 41, `k-${m.id}`)).rejects.toMatchObject({ code: 'idempotency_conflict', kind: 'conflict' });
    expect(await ledgerSums(w.db, m.id)).toMatchObject({ points: 40 });
  });

  it('rejects zero, negative, fractional and huge amounts', async () => {
    const m = await newMember();
    for (const amount of [0, -5, 1.5, 1e16, Number.NaN]) {
      await expect(earn(m.id, 'coins', amount, `bad-${amount}-${m.id}`)).rejects.toMatchObject({ code: 'invalid_amount' });
    }
    await expect(
      w.services.ledger.adjust({ merchantId, memberId: m.id, currency: 'coins', amount: 0, reason: 'x', idempotencyKey: 'z', actor: 't' }),
    ).rejects.toMatchObject({ code: 'invalid_amount' });
  });

  it('spends the soonest-expiring, then oldest, bucket first', async () => {
    const m = await newMember();
    const soon = new Date(w.clock.now().getTime() + 5 * 86_400_000);
    await earn(m.id, 'credit', 100, `c1-${m.id}`, { expiresAt: null });
    await earn(m.id, 'credit', 100, `c2-${m.id}`, { expiresAt: soon });
    await earn(m.id, 'credit', 100, `c3-${m.id}`); // merchant default: 30 days
    await spend(m.id, 'credit', 150, `s-${m.id}`);
    const { rows } = await w.db.pool.query('SELECT remaining, expires_at FROM earn_buckets WHERE member_id = $1 ORDER BY id', [m.id]);
    expect(rows.map((r) => Number(r.remaining))).toEqual([100, 0, 50]);
    expect(rows[2].expires_at.getTime()).toBe(w.clock.now().getTime() + 30 * 86_400_000);
  });

  it('spends gift credit only where its limits allow', async () => {
    const m = await newMember();
    await w.services.members.tag(merchantId, m.id, ['vip']);
    await earn(m.id, 'credit', 500, `g1-${m.id}`, { restrictions: { branches: ['vanak'], categories: ['coffee'] } });
    await earn(m.id, 'credit', 200, `g2-${m.id}`, { restrictions: { groups: ['vip'] } });
    await expect(
      spend(m.id, 'credit', 300, `s1-${m.id}`, { context: { branch: 'tajrish', categories: ['coffee'] } }),
    ).rejects.toMatchObject({
      code: 'insufficient_balance',
      details: { usable: 200, balance: 700 },
    });
    await expect(
      spend(m.id, 'credit', 600, `s2-${m.id}`, { context: { branch: 'vanak', categories: ['coffee', 'cake'] } }),
    ).rejects.toMatchObject({ details: { usable: 200 } });
    const ok = await spend(m.id, 'credit', 650, `s3-${m.id}`, { context: { branch: 'vanak', categories: ['coffee'] } });
    expect(ok.result.balances.credit).toBe(50);
  });

  it('keeps balances, entries and buckets in agreement', async () => {
    const m = await newMember();
    await earn(m.id, 'points', 70, `p-${m.id}`);
    await earn(m.id, 'coins', 30, `c-${m.id}`);
    await spend(m.id, 'coins', 10, `s-${m.id}`);
    const stored = await storedBalances(w.db, m.id);
    expect(await ledgerSums(w.db, m.id)).toEqual(stored.balances);
    expect(await bucketSums(w.db, m.id)).toEqual(stored.balances);
    await expect(w.db.pool.query('UPDATE members SET coins = -1 WHERE id = $1', [m.id])).rejects.toThrow(/members_balances_non_negative/);
  });

  it('upgrades the tier at once and writes the events in the same transaction', async () => {
    const m = await newMember();
    const before = await w.db.pool.query('SELECT max(id) AS id FROM outbox_events');
    const out = await earn(m.id, 'points', 600, `t-${m.id}`);
    expect(out.result).toMatchObject({ tier: 'silver', previousTier: 'bronze' });
    const events = await w.db.pool.query('SELECT type, payload FROM outbox_events WHERE id > $1 ORDER BY id', [before.rows[0].id ?? 0]);
    expect(events.rows.map((e) => e.type)).toEqual(['ledger.changed', 'tier.changed']);
    expect(events.rows[1].payload).toMatchObject({ member_id: m.id, from: 'bronze', to: 'silver', direction: 'up' });
    expect(events.rows[0].payload).toMatchObject({
      member_id: m.id,
      balances: { points: 600 },
      entries: [{ currency: 'points', amount: 600, balance_after: 600 }],
    });
  });

  it('does not let manual adjustments move tiers', async () => {
    const m = await newMember();
    const out = await w.services.ledger.adjust({
      merchantId,
      memberId: m.id,
      currency: 'points',
      amount: 5_000,
      reason: 'correction',
      idempotencyKey: `a-${m.id}`,
      actor: 'api',
    });
    expect(out.result.tier).toBe('bronze');
    await expect(
      w.services.ledger.adjust({
        merchantId,
        memberId: m.id,
        currency: 'points',
        amount: -5_001,
        reason: 'correction',
        idempotencyKey: `a2-${m.id}`,
        actor: 'api',
      }),
    ).rejects.toMatchObject({ code: 'insufficient_balance' });
  });

  it('answers member_not_found for another merchant’s member', async () => {
    const other = await w.newMerchant();
    const m = await newMember();
    await expect(
      w.services.ledger.earn({
        merchantId: other,
        memberId: m.id,
        currency: 'coins',
        amount: 1,
        reason: 'x',
        idempotencyKey: 'x',
        actor: 't',
      }),
    ).rejects.toMatchObject({ code: 'member_not_found', kind: 'not_found' });
  });
});
