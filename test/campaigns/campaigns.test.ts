import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/domain/events/catalog.js';
import { storedBalances } from '../helpers/services.js';
import { createBroadcastRig, type BroadcastRig } from './broadcast-engine.js';

let rig: BroadcastRig;
beforeAll(async () => {
  rig = await createBroadcastRig();
  await rig.start();
});
afterAll(() => rig.close());

describe('campaigns', () => {
  it('a reward campaign gives each recipient the reward once, with the message; the holdout gets neither', async () => {
    const members = await rig.members(30, () => ({ tags: ['reward'] }));
    const { campaign, broadcast } = await rig.w.services.campaigns.create(
      rig.merchantId,
      {
        kind: 'reward',
        name: 'Yalda',
        segment: { tags: ['reward'] },
        holdoutPercent: 20,
        message: { text: '🎁 {points} امتیاز دارید' },
        reward: { currency: 'points', amount: 100, expiresInDays: 30 },
      },
      'test',
    );
    const done = await rig.waitUntil(broadcast!.id, (s) => s.status === 'done');
    const deliveries = await rig.w.db.pool.query('SELECT member_id, state FROM broadcast_deliveries WHERE broadcast_id = $1', [
      broadcast!.id,
    ]);
    const state = new Map(deliveries.rows.map((r) => [r.member_id, r.state]));
    for (const m of members) {
      const { balances } = await storedBalances(rig.w.db, m.id);
      if (state.get(m.id) === 'sent') {
        expect(balances.points).toBe(100);
        expect(rig.tg.received.get(m.chat)).toEqual(['🎁 ۱۰۰ امتیاز دارید']);
      } else {
        expect(state.get(m.id)).toBe('held_out');
        expect(balances.points).toBe(0);
        expect(rig.tg.received.has(m.chat)).toBe(false);
      }
    }
    expect(done.heldOut).toBeGreaterThan(0);
    // The reward is one ledger operation per member, even if the job ran again.
    const ops = await rig.w.db.pool.query(
      'SELECT count(*)::int AS n FROM ledger_operations WHERE merchant_id = $1 AND idempotency_key LIKE $2',
      [rig.merchantId, `campaign:${campaign.id}:%`],
    );
    expect(ops.rows[0].n).toBe(done.counts.sent);
    // Its events (campaign.rewarded) fit the catalogue.
    const events = await rig.w.db.pool.query(
      "SELECT type, payload FROM outbox_events WHERE merchant_id = $1 AND type = 'campaign.rewarded'",
      [rig.merchantId],
    );
    expect(events.rows).toHaveLength(done.counts.sent);
    expect(events.rows.filter((e) => !parseEvent(e.type, e.payload).ok)).toEqual([]);
  });

  it('KPIs: delivered, clicks on the tracked link, purchases and revenue of recipients vs the holdout', async () => {
    const members = await rig.members(40, () => ({ tags: ['kpi'] }));
    const { campaign, broadcast } = await rig.w.services.campaigns.create(
      rig.merchantId,
      {
        kind: 'message',
        name: 'Win-back',
        segment: { tags: ['kpi'] },
        holdoutPercent: 25,
        attributionDays: 7,
        message: { text: 'come back' },
      },
      'test',
    );
    await rig.waitUntil(broadcast!.id, (s) => s.status === 'done');
    const rows = await rig.w.db.pool.query('SELECT member_id, state FROM broadcast_deliveries WHERE broadcast_id = $1 ORDER BY member_id', [
      broadcast!.id,
    ]);
    const sent = rows.rows.filter((r) => r.state === 'sent').map((r) => r.member_id as string);
    const held = rows.rows.filter((r) => r.state === 'held_out').map((r) => r.member_id as string);
    const phone = async (id: string) => (await rig.w.services.members.get(rig.merchantId, id)).phone;
    // Three recipients buy (one of them twice), one held-out member buys; another recipient clicks.
    rig.w.clock.set(new Date(Date.now() + 3_600_000));
    for (const [i, id] of [sent[0], sent[1], sent[2], sent[0]].entries())
      await rig.w.services.purchases.record(rig.merchantId, { orderId: `kpi-${i}`, phone: await phone(id!), amount: 200_000 }, 'api');
    await rig.w.services.purchases.record(rig.merchantId, { orderId: 'kpi-h', phone: await phone(held[0]!), amount: 500_000 }, 'api');
    rig.w.clock.set(new Date(Date.now() + 8 * 86_400_000));
    await rig.w.services.purchases.record(rig.merchantId, { orderId: 'kpi-late', phone: await phone(sent[3]!), amount: 900_000 }, 'api'); // after the window
    rig.w.clock.set('2026-11-23T08:00:00Z');
    expect(await rig.w.services.campaigns.recordClick(rig.merchantId, campaign.id, sent[4]!)).toBe(true);
    expect(await rig.w.services.campaigns.recordClick(rig.merchantId, campaign.id, sent[4]!)).toBe(false);

    const status = await rig.w.services.broadcasts.status(rig.merchantId, broadcast!.id);
    const k = await rig.w.services.campaigns.kpis(rig.merchantId, campaign.id, status, status.counts);
    expect(members).toHaveLength(40);
    expect(k.deliveries).toMatchObject({ sent: sent.length, held_out: held.length });
    expect(k.clicks).toBe(1);
    expect(k.recipients).toMatchObject({ members: sent.length, buyers: 3, purchases: 4, revenue: 800_000 });
    expect(k.holdout).toMatchObject({ members: held.length, buyers: 1, purchases: 1, revenue: 500_000 });
    expect(k.liftPoints).toBeCloseTo((3 / sent.length - 1 / held.length) * 100, 1);
  });

  it('a multiplier campaign doubles points while it runs (Mondays), and not after it ends', async () => {
    const [m] = await rig.members(1);
    const phone = (await rig.w.services.members.get(rig.merchantId, m!.id)).phone;
    await rig.w.services.campaigns.create(
      rig.merchantId,
      {
        kind: 'multiplier',
        name: 'Double Monday',
        rule: { multiplier: 2, when: { weekdays: ['mon'] } },
        startsAt: '1405/09/01',
        endsAt: '1405/09/10',
      },
      'test',
    );
    const monday = await rig.w.services.purchases.record(rig.merchantId, { orderId: 'mult-1', phone, amount: 1_000_000 }, 'api');
    expect(monday.awarded.points).toBe(200);
    expect(monday.rules.some((r) => r.startsWith('campaign-'))).toBe(true);
    rig.w.clock.set('2026-11-24T08:00:00Z'); // Tuesday
    expect(
      (await rig.w.services.purchases.record(rig.merchantId, { orderId: 'mult-2', phone, amount: 1_000_000 }, 'api')).awarded.points,
    ).toBe(100);
    rig.w.clock.set('2026-12-07T08:00:00Z'); // a Monday after the campaign
    expect(
      (await rig.w.services.purchases.record(rig.merchantId, { orderId: 'mult-3', phone, amount: 1_000_000 }, 'api')).awarded.points,
    ).toBe(100);
    rig.w.clock.set('2026-11-23T08:00:00Z');
    await expect(
      rig.w.services.campaigns.create(
        rig.merchantId,
        { kind: 'multiplier', name: 'x', rule: {}, startsAt: '1405/09/01', endsAt: '1405/09/10' },
        'test',
      ),
    ).rejects.toMatchObject({ code: 'invalid_campaign' });
  });
});
