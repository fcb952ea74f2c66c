import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENCIES, type Currency } from '../../src/domain/ledger/types.js';
import { bucketSums, createTestWorld, ledgerSums, newPhone, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
let merchantId: string;

beforeAll(async () => {
  w = await createTestWorld();
  merchantId = await w.newMerchant({
    earning: { coinsPerAmount: { coins: 1, amount: 10_000 }, cashbackPercent: 5 },
    expiry: { creditDays: 30, pointsExpire: true, pointsDays: 60 },
  });
});
afterAll(() => w.close());

type Command =
  | { op: 'earn'; currency: Currency; amount: number }
  | { op: 'spend'; currency: Currency; amount: number }
  | { op: 'buy'; amount: number }
  | { op: 'refund'; order: number; amount?: number }
  | { op: 'expire'; days: number }
  | { op: 'replay'; index: number };

const currency = fc.constantFrom(...CURRENCIES);
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('earn' as const), currency, amount: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ op: fc.constant('spend' as const), currency, amount: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ op: fc.constant('buy' as const), amount: fc.integer({ min: 10_000, max: 3_000_000 }) }),
  fc.record({
    op: fc.constant('refund' as const),
    order: fc.nat(10),
    amount: fc.option(fc.integer({ min: 1, max: 2_000_000 }), { nil: undefined }),
  }),
  fc.record({ op: fc.constant('expire' as const), days: fc.integer({ min: 1, max: 70 }) }),
  fc.record({ op: fc.constant('replay' as const), index: fc.nat(40) }),
);

let run = 0;

describe('ledger invariants over random operation sequences', () => {
  it('balance == sum of entries == sum of buckets, never negative; replaying an operation changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 30 }), async (commands) => {
        run++;
        const memberId = (await w.services.members.ensurePending(merchantId, newPhone())).member.id;
        const executed: { cmd: Command; key: string; run: () => Promise<unknown> }[] = [];
        let orders = 0;
        for (const [i, cmd] of commands.entries()) {
          const key = `prop-${run}-${i}`;
          let action: (() => Promise<unknown>) | undefined;
          switch (cmd.op) {
            case 'earn':
              action = () =>
                w.services.ledger.earn({
                  merchantId,
                  memberId,
                  currency: cmd.currency,
                  amount: cmd.amount,
                  reason: 'bonus',
                  idempotencyKey: key,
                  actor: 'prop',
                });
              break;
            case 'spend':
              action = () =>
                w.services.ledger.spend({
                  merchantId,
                  memberId,
                  currency: cmd.currency,
                  amount: cmd.amount,
                  reason: 'gift',
                  idempotencyKey: key,
                  actor: 'prop',
                });
              break;
            case 'buy': {
              const orderId = `o-${run}-${orders++}`;
              const phone = (await w.db.pool.query('SELECT phone FROM members WHERE id = $1', [memberId])).rows[0].phone;
              action = () => w.services.purchases.record(merchantId, { orderId, phone, amount: cmd.amount }, 'prop');
              break;
            }
            case 'refund': {
              if (orders === 0) continue;
              // Fixed now: a replay must send exactly what the first attempt sent.
              const orderId = `o-${run}-${cmd.order % orders}`;
              action = () => w.services.purchases.refund(merchantId, { refundId: key, orderId, amount: cmd.amount }, 'prop');
              break;
            }
            case 'expire':
              w.clock.advance(cmd.days * 86_400_000);
              await w.services.expiry.expireDue();
              continue;
            case 'replay': {
              const target = executed[cmd.index % Math.max(executed.length, 1)];
              if (!target) continue;
              // Only operations that succeeded left a key; a replay of those must change nothing.
              const succeededBefore = (
                await w.db.pool.query('SELECT 1 FROM ledger_operations WHERE merchant_id = $1 AND idempotency_key = $2', [
                  merchantId,
                  target.key,
                ])
              ).rowCount;
              const before = await storedBalances(w.db, memberId);
              const entries = await w.db.pool.query('SELECT count(*)::int AS n FROM ledger_entries WHERE member_id = $1', [memberId]);
              await target.run().catch((e: { code?: string }) => {
                // A replay may only fail the way a first attempt could: the operation never happened.
                expect(['insufficient_balance', 'refund_exceeds_purchase', 'already_refunded']).toContain(e.code);
              });
              const afterEntries = await w.db.pool.query('SELECT count(*)::int AS n FROM ledger_entries WHERE member_id = $1', [memberId]);
              if (succeededBefore) {
                expect(await storedBalances(w.db, memberId)).toEqual(before);
                expect(afterEntries.rows[0].n).toBe(entries.rows[0].n);
              }
              continue;
            }
          }
          await action!().catch((e: { code?: string }) => {
            expect(['insufficient_balance', 'refund_exceeds_purchase', 'already_refunded']).toContain(e.code);
          });
          executed.push({
            cmd,
            key: cmd.op === 'buy' ? `purchase:o-${run}-${orders - 1}` : cmd.op === 'refund' ? `refund:${key}` : key,
            run: action!,
          });
        }
        const stored = await storedBalances(w.db, memberId);
        for (const c of CURRENCIES) {
          expect(stored.balances[c]).toBeGreaterThanOrEqual(0);
          expect(stored.debts[c]).toBeGreaterThanOrEqual(0);
        }
        expect(await ledgerSums(w.db, memberId)).toEqual(stored.balances);
        expect(await bucketSums(w.db, memberId)).toEqual(stored.balances);
      }),
      { numRuns: 40 },
    );
  });
});
