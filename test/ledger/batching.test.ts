import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgLedgerStore } from '../../src/db/ledger/pg-ledger-store.js';
import { LedgerService } from '../../src/domain/ledger/ledger-service.js';
import { PgSettingsStore } from '../../src/db/repositories/settings-store.js';
import { createTestWorld, ledgerSums, newPhone, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
let merchantId: string;

beforeAll(async () => {
  w = await createTestWorld();
  merchantId = await w.newMerchant();
});
afterAll(() => w.close());

const newMember = async () => (await w.services.members.ensurePending(merchantId, newPhone())).member.id;

describe('ledger calls grouped under load (one statement, one commit, one subtransaction each)', () => {
  it('calls that wait go as one batch and each gets its own answer: applied, replayed, conflict, refused', async () => {
    // One statement at a time: the first call runs alone, the five that arrive meanwhile wait and go together.
    const store = new PgLedgerStore(w.db.pool, { maxRunning: 1 });
    const [first, rich, poor, other] = [await newMember(), await newMember(), await newMember(), await newMember()];
    const line = (mode: 'earn' | 'spend', amount: number) => ({ mode, currency: 'coins' as const, amount, reason: 'test' });
    const call = (memberId: string, key: string, mode: 'earn' | 'spend', amount: number) =>
      store.apply({
        merchantId,
        memberId,
        idempotencyKey: key,
        requestHash: `${mode}:${amount}`,
        kind: mode,
        actor: 'test',
        day: '2026-11-23',
        lines: [line(mode, amount)],
      });

    const settled = await Promise.allSettled([
      call(first, `b-first-${first}`, 'earn', 1),
      call(rich, `b-rich-${rich}`, 'earn', 10),
      call(rich, `b-rich-${rich}`, 'earn', 10), // the same call again, in the same batch: a replay
      call(rich, `b-rich-${rich}`, 'earn', 99), // the same key with other content: refused
      call(poor, `b-poor-${poor}`, 'spend', 50),
      call(other, `b-other-${other}`, 'earn', 7),
    ]);

    expect(store.batchStats).toEqual({ batches: 1, calls: 5 });
    const [, applied, replayed, conflict, refused, alongside] = settled;
    expect(applied.status === 'fulfilled' && applied.value.replayed).toBe(false);
    expect(replayed.status === 'fulfilled' && replayed.value.replayed).toBe(true);
    if (applied.status !== 'fulfilled' || replayed.status !== 'fulfilled') throw new Error('expected both to be applied');
    expect(replayed.value.result.operationId).toBe(applied.value.result.operationId);
    expect(applied.value.result.balances.coins).toBe(10);
    expect(conflict.status === 'rejected' && (conflict.reason as { code?: string }).code).toBe('idempotency_conflict');
    expect(refused.status === 'rejected' && (refused.reason as { code?: string }).code).toBe('insufficient_balance');
    expect(alongside.status === 'fulfilled' && alongside.value.result.balances.coins).toBe(7);

    // What the database holds: one credit for the replayed key, nothing from the refused spend.
    expect((await storedBalances(w.db, rich)).balances.coins).toBe(10);
    expect((await ledgerSums(w.db, rich)).coins).toBe(10);
    expect((await storedBalances(w.db, poor)).balances.coins).toBe(0);
    const poorEntries = await w.db.pool.query('SELECT count(*)::int AS n FROM ledger_entries WHERE member_id = $1', [poor]);
    expect(poorEntries.rows[0].n).toBe(0);
    expect((await storedBalances(w.db, other)).balances.coins).toBe(7);
  });

  it('300 parallel earns over 30 members, batched: every member holds exactly the sum of its own credits', async () => {
    const store = new PgLedgerStore(w.db.pool, { maxRunning: 2, maxBatch: 8 });
    const ledger = new LedgerService(store, new PgSettingsStore(w.db.pool), w.clock);
    const members = await Promise.all(Array.from({ length: 30 }, newMember));
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        ledger.earn({
          merchantId,
          memberId: members[i % 30]!,
          currency: 'points',
          amount: 1 + (i % 7),
          reason: 'test',
          idempotencyKey: `many-${i}`,
          actor: 'test',
        }),
      ),
    );
    expect(store.batchStats.batches).toBeGreaterThan(10);
    for (const [m, id] of members.entries()) {
      const expected = Array.from({ length: 10 }, (_, k) => 1 + ((m + 30 * k) % 7)).reduce((a, b) => a + b, 0);
      expect((await storedBalances(w.db, id)).balances.points).toBe(expected);
      expect((await ledgerSums(w.db, id)).points).toBe(expected);
    }
  });
});
