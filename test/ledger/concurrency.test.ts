import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketSums, createTestWorld, ledgerSums, newPhone, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
let merchantId: string;

beforeAll(async () => {
  w = await createTestWorld();
  merchantId = await w.newMerchant();
});
afterAll(() => w.close());

async function memberWith(coins: number) {
  const m = (await w.services.members.ensurePending(merchantId, newPhone())).member;
  if (coins)
    await w.services.ledger.earn({
      merchantId,
      memberId: m.id,
      currency: 'coins',
      amount: coins,
      reason: 'seed',
      idempotencyKey: `seed-${m.id}`,
      actor: 'test',
    });
  return m;
}

describe('ledger under concurrency (real PostgreSQL)', () => {
  it('200 parallel spends of 10 from a balance of 1,000: exactly 100 succeed', async () => {
    const m = await memberWith(1_000);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        w.services.ledger.spend({
          merchantId,
          memberId: m.id,
          currency: 'coins',
          amount: 10,
          reason: 'wheel',
          idempotencyKey: `spend-${m.id}-${i}`,
          actor: 'test',
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'insufficient_balance',
    ).length;
    expect(ok).toBe(100);
    expect(refused).toBe(100);
    const stored = await storedBalances(w.db, m.id);
    expect(stored.balances.coins).toBe(0);
    expect((await ledgerSums(w.db, m.id)).coins).toBe(0);
    expect((await bucketSums(w.db, m.id)).coins).toBe(0);
    const entries = await w.db.pool.query('SELECT count(*)::int AS n FROM ledger_entries WHERE member_id = $1 AND amount < 0', [m.id]);
    expect(entries.rows[0].n).toBe(100);
  });

  it('50 parallel calls with one idempotency key write one entry and all get the same result', async () => {
    const m = await memberWith(0);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        w.services.ledger.earn({
          merchantId,
          memberId: m.id,
          currency: 'points',
          amount: 25,
          reason: 'bonus',
          idempotencyKey: `once-${m.id}`,
          actor: 'test',
        }),
      ),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => JSON.stringify(r.result))).size).toBe(1);
    const entries = await w.db.pool.query('SELECT count(*)::int AS n FROM ledger_entries WHERE member_id = $1', [m.id]);
    expect(entries.rows[0].n).toBe(1);
    expect((await storedBalances(w.db, m.id)).balances.points).toBe(25);
  });

  it('parallel earns and spends on one member lose no update', async () => {
    const m = await memberWith(500);
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        i % 3 === 0
          ? w.services.ledger.spend({
              merchantId,
              memberId: m.id,
              currency: 'coins',
              amount: 7,
              reason: 'x',
              idempotencyKey: `mix-s-${m.id}-${i}`,
              actor: 't',
            })
          : w.services.ledger.earn({
              merchantId,
              memberId: m.id,
              currency: 'coins',
              amount: 3,
              reason: 'x',
              idempotencyKey: `mix-e-${m.id}-${i}`,
              actor: 't',
            }),
      ),
    );
    // 40 spends of 7 and 80 earns of 3 on top of 500, all of which fit.
    expect((await storedBalances(w.db, m.id)).balances.coins).toBe(500 - 40 * 7 + 80 * 3);
    expect((await ledgerSums(w.db, m.id)).coins).toBe(500 - 40 * 7 + 80 * 3);
    expect((await bucketSums(w.db, m.id)).coins).toBe(500 - 40 * 7 + 80 * 3);
  });
});
