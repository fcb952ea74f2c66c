import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgLedgerStore } from '../../src/db/ledger/pg-ledger-store.js';
import { LedgerService } from '../../src/domain/ledger/ledger-service.js';
import { PgSettingsStore } from '../../src/db/repositories/settings-store.js';
import type { Member } from '../../src/domain/members/types.js';
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

  it('two batches naming the same members crosswise (by phone, by id) deadlock once: the victim runs again alone, every call applied once', async () => {
    // Grouped calls are sorted by how they name the member, so a phone and an id of one member can
    // sort differently in two batches. Force that crossing: batch 1 locks B (by phone) and then A
    // (by id); batch 2 locks A (by phone) and then B (by id). Rows W and X, held by the test, pause
    // each batch after its first member until both hold one; Z holds each store's first call, so
    // the calls behind it go together as one batch.
    const people = await Promise.all(
      Array.from({ length: 5 }, async () => (await w.services.members.ensurePending(merchantId, newPhone())).member),
    );
    const z = people[0]!;
    const [wait1, a, wait2, b] = people.slice(1).sort((p, q) => (p.id < q.id ? -1 : 1)) as [Member, Member, Member, Member];
    const hold = async (ids: string[]) => {
      const c = await w.db.pool.connect();
      await c.query('BEGIN');
      await c.query('SELECT 1 FROM members WHERE id = ANY($1) FOR UPDATE', [ids]);
      return c;
    };
    const holdZ = await hold([z.id]);
    const holdPauses = await hold([wait1.id, wait2.id]);
    const deadlocks = async () =>
      (await w.db.pool.query('SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0].n as number;
    const deadlocksBefore = await deadlocks();

    const [s1, s2] = [new PgLedgerStore(w.db.pool, { maxRunning: 1 }), new PgLedgerStore(w.db.pool, { maxRunning: 1 })];
    const fields = (key: string) => ({
      merchantId,
      idempotencyKey: `cross-${key}-${z.id}`,
      requestHash: key,
      kind: 'earn',
      actor: 'test',
      day: '2026-11-23',
      lines: [{ mode: 'earn' as const, currency: 'coins' as const, amount: 1, reason: 'test' }],
    });
    const byId = (store: PgLedgerStore, m: Member, key: string) => store.apply({ ...fields(key), memberId: m.id });
    const byPhone = (store: PgLedgerStore, m: Member, key: string) =>
      store.applyByReference({ ...fields(key), member: { phone: m.phone }, expectedTier: m.tier });
    const calls = [
      byId(s1, z, 'z1'),
      byId(s2, z, 'z2'),
      byPhone(s1, b, 'b1'),
      byId(s1, wait1, 'w1'),
      byId(s1, a, 'a1'),
      byPhone(s2, a, 'a2'),
      byId(s2, wait2, 'w2'),
      byId(s2, b, 'b2'),
    ];
    await holdZ.query('COMMIT');
    holdZ.release();
    // Both batches hold their first member and wait at W and X.
    for (let n = 0; n < 200; n++) {
      const { rows } = await w.db.pool.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%bashgah_ledger_apply_batch%'`,
      );
      if (rows[0].n === 2) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await holdPauses.query('COMMIT');
    holdPauses.release();

    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(Array(8).fill('fulfilled'));
    // PostgreSQL counts the deadlock when the victim's backend next reports its statistics.
    await expect.poll(deadlocks, { timeout: 5_000 }).toBe(deadlocksBefore + 1);
    expect([s1.batchStats.batches, s2.batchStats.batches]).toEqual([1, 1]);
    for (const [m, credits] of [
      [z, 2],
      [a, 2],
      [b, 2],
      [wait1, 1],
      [wait2, 1],
    ] as const) {
      expect((await storedBalances(w.db, m.id)).balances.coins).toBe(credits);
      expect((await ledgerSums(w.db, m.id)).coins).toBe(credits);
    }
  });
});
