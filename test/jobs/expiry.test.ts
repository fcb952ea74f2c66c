import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, ledgerSums, newPhone, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
const DAY = 86_400_000;

beforeAll(async () => {
  w = await createTestWorld();
});
afterAll(() => w.close());

describe('expiry', () => {
  it('writes expiry entries for what is left in buckets past their date, once', async () => {
    const merchantId = await w.newMerchant({ expiry: { creditDays: 10, reminderDaysBefore: 3 } });
    const m = (await w.services.members.ensurePending(merchantId, newPhone())).member;
    const earn = (amount: number, key: string) =>
      w.services.ledger.earn({
        merchantId,
        memberId: m.id,
        currency: 'credit',
        amount,
        reason: 'cashback',
        idempotencyKey: key,
        actor: 't',
      });
    await earn(1_000, `x1-${m.id}`);
    w.clock.advance(5 * DAY);
    await earn(500, `x2-${m.id}`);
    await w.services.ledger.spend({
      merchantId,
      memberId: m.id,
      currency: 'credit',
      amount: 300,
      reason: 'checkout',
      idempotencyKey: `x3-${m.id}`,
      actor: 't',
    });

    w.clock.advance(3 * DAY); // day 8: the first bucket expires in 2 days → reminder
    expect(await w.services.expiry.remindExpiring()).toBe(1);
    expect(await w.services.expiry.remindExpiring()).toBe(0);
    const reminder = await w.db.pool.query(
      "SELECT payload FROM outbox_events WHERE type = 'balance.expiring' AND payload->>'member_id' = $1",
      [m.id],
    );
    expect(reminder.rows[0].payload).toMatchObject({ currency: 'credit', amount: 700 });

    w.clock.advance(2 * DAY + 1); // day 10: first bucket (700 left after the spend) expires
    expect(await w.services.expiry.expireDue()).toBe(1);
    expect(await w.services.expiry.expireDue()).toBe(0);
    let stored = await storedBalances(w.db, m.id);
    expect(stored.balances.credit).toBe(500);
    w.clock.advance(5 * DAY);
    await w.services.expiry.expireDue();
    stored = await storedBalances(w.db, m.id);
    expect(stored.balances.credit).toBe(0);
    expect((await ledgerSums(w.db, m.id)).credit).toBe(0);
    const entries = await w.db.pool.query(
      "SELECT reason, amount FROM ledger_entries WHERE member_id = $1 AND reason = 'expiry' ORDER BY id",
      [m.id],
    );
    expect(entries.rows.map((e) => Number(e.amount))).toEqual([-700, -500]);
  });

  it('points expire only when the merchant enables it', async () => {
    const keep = await w.newMerchant({});
    const expire = await w.newMerchant({ expiry: { pointsExpire: true, pointsDays: 30 } });
    const ids: Record<string, string> = {};
    for (const merchantId of [keep, expire]) {
      const m = (await w.services.members.ensurePending(merchantId, newPhone())).member;
      ids[merchantId] = m.id;
      await w.services.ledger.earn({
        merchantId,
        memberId: m.id,
        currency: 'points',
        amount: 50,
        reason: 'bonus',
        idempotencyKey: `p-${m.id}`,
        actor: 't',
      });
    }
    w.clock.advance(31 * DAY);
    await w.services.expiry.expireDue();
    expect((await storedBalances(w.db, ids[keep]!)).balances.points).toBe(50);
    expect((await storedBalances(w.db, ids[expire]!)).balances.points).toBe(0);
  });
});

describe('tier review', () => {
  it('moves members down when their last-12-months points no longer reach the tier', async () => {
    const merchantId = await w.newMerchant({
      tiers: {
        window: '12m',
        levels: [
          { key: 'bronze', threshold: 0 },
          { key: 'silver', threshold: 100 },
          { key: 'gold', threshold: 300 },
        ],
      },
    });
    const m = (await w.services.members.ensurePending(merchantId, newPhone())).member;
    const out = await w.services.ledger.earn({
      merchantId,
      memberId: m.id,
      currency: 'points',
      amount: 350,
      reason: 'purchase',
      idempotencyKey: `t-${m.id}`,
      actor: 't',
    });
    expect(out.result.tier).toBe('gold');
    w.clock.advance(200 * DAY);
    expect(await w.services.tierReview.review()).toBe(0);
    w.clock.advance(170 * DAY); // over a year later
    await w.services.ledger.earn({
      merchantId,
      memberId: m.id,
      currency: 'points',
      amount: 120,
      reason: 'purchase',
      idempotencyKey: `t2-${m.id}`,
      actor: 't',
    });
    expect(await w.services.tierReview.review()).toBe(1);
    const row = await w.db.pool.query('SELECT tier FROM members WHERE id = $1', [m.id]);
    expect(row.rows[0].tier).toBe('silver');
    const ev = await w.db.pool.query(
      "SELECT payload FROM outbox_events WHERE type = 'tier.changed' AND payload->>'direction' = 'down' AND payload->>'member_id' = $1",
      [m.id],
    );
    expect(ev.rows[0].payload).toMatchObject({ from: 'gold', to: 'silver' });
  });
});
