import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  eventJsonSchema,
  outboxEvent,
  parseEvent,
  type DeliveredEvent,
  type EventType,
} from '../../src/domain/events/catalog.js';
import type { ApplyCommandWithout } from '../../src/domain/ledger/types.js';
import { startEventWorker, type EventHandler } from '../../src/jobs/event-worker.js';
import { referralEvents, staffEvents } from '../../src/jobs/handlers.js';
import { OutboxRelay } from '../../src/jobs/outbox-relay.js';
import { QueueName, type DomainEvent } from '../../src/jobs/queues.js';
import { createLogger } from '../../src/logger.js';
import { drainEvents } from '../helpers/events.js';
import { waitForQuietOutbox } from '../helpers/quiet.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { createTestWorld, joinedMember, newPhone, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
let r: TestRedis;
const DAY = 86_400_000;

beforeAll(async () => {
  w = await createTestWorld();
  r = createTestRedis();
});
afterAll(async () => {
  await r.cleanup();
  await w.close();
});

/** Every outbox row written so far, checked against the catalogue. */
async function outboxRows() {
  const { rows } = await w.db.pool.query<{ type: string; payload: unknown }>('SELECT type, payload FROM outbox_events ORDER BY id');
  return rows.map((row) => ({ type: row.type, parsed: parseEvent(row.type, row.payload), payload: row.payload }));
}

// The broadcast sender's campaign.rewarded is checked in test/campaigns/campaigns.test.ts, the
// webhook sender's webhook_endpoint.disabled in test/webhooks/delivery.test.ts.
const NOT_DRIVEN_HERE: EventType[] = ['campaign.rewarded', 'webhook_endpoint.disabled'];

describe('the event catalogue', () => {
  it('every event the club writes, through its services, fits its schema', async () => {
    const m = await w.newMerchant({
      referrals: {
        onJoin: { referrer: { currency: 'coins', amount: 20 }, friend: { currency: 'coins', amount: 10 } },
        onFirstPurchase: { referrer: { currency: 'points', amount: 5 } },
      },
      tiers: {
        levels: [
          { key: 'bronze', threshold: 0 },
          { key: 'silver', threshold: 10 },
        ],
      },
      expiry: { creditDays: 10, reminderDaysBefore: 3 },
      feedback: { postPurchase: { delayMinutes: 0, npsPercent: 0, rewardCoins: 5, ticketAtOrBelow: 2 } },
      automations: { winBack: { enabled: true, days: 30, reward: { currency: 'coins', amount: 7 } } },
    });
    const drain = () => drainEvents(w.db, [referralEvents(w.services.referrals), staffEvents(w.services.staff)]);

    // Joins, a referral, a purchase (tier up, first-purchase reward), a refund, an adjustment.
    const referrer = await joinedMember(w, m, { coins: 200 });
    const friend = (
      await w.services.members.register({
        merchantId: m,
        phone: newPhone(),
        channel: 'whatsapp',
        externalUserId: '989120000001',
        referrerId: referrer.id,
      })
    ).member;
    await drain();
    await w.services.purchases.record(m, { orderId: 'o-1', phone: friend.phone, amount: 900_000, branch: 'ونک' }, 'api');
    await w.services.purchases.refund(m, { refundId: 'r-1', orderId: 'o-1', amount: 100_000 }, 'api');
    await drain();

    // Gifts: one paid and rejected (refunded), one approved and shipped.
    const gift = await w.services.gifts.create(m, { title: 'Mug', costCurrency: 'coins', cost: 10 });
    const member = await w.services.members.get(m, referrer.id);
    const rejected = (await w.services.gifts.request(m, member, gift.id, 'g-1')).request;
    await w.services.gifts.reject(m, rejected.id, 'out of mugs');
    const shipped = (await w.services.gifts.request(m, member, gift.id, 'g-2')).request;
    await w.services.gifts.approve(m, shipped.id);
    await w.services.gifts.ship(m, shipped.id, 'post 123');

    // A voucher for coins, a wheel spin, raffle tickets, the draw and a cancellation.
    const campaign = await w.services.vouchers.createCampaign(m, { name: '15%', kind: 'percent', value: 15, coinPrice: 20 });
    await w.services.vouchers.exchange(m, referrer.id, campaign.id, 'v-1');
    await w.services.wheel.replace(m, { costCoins: 5, prizes: [{ label: '۵ سکه', kind: 'coins', amount: 5, weight: 1 }] });
    await w.services.wheel.spin(m, member, 'w-1');
    const raffle = await w.services.raffles.create(m, {
      title: 'Yalda',
      prizes: [{ title: 'TV', count: 1 }],
      entryRule: { kind: 'coins', price: 5 },
      closesAt: new Date(w.clock.now().getTime() + 3_600_000).toISOString(),
    });
    await w.services.raffles.buyTickets(m, referrer.id, raffle.id, 2, 't-1');
    // A second raffle called off: its ticket holder is told and refunded.
    const called = await w.services.raffles.create(m, {
      title: 'Called off',
      prizes: [{ title: 'Mug', count: 1 }],
      entryRule: { kind: 'coins', price: 1 },
      closesAt: new Date(w.clock.now().getTime() + 3_600_000).toISOString(),
    });
    await w.services.raffles.buyTickets(m, referrer.id, called.id, 1, 't-2');
    await w.services.raffles.cancel(m, called.id, 'test');

    // The post-purchase survey: a low rating opens a ticket, the comment joins it, the coins follow.
    const survey = (await w.services.surveys.openPostPurchase(m, friend.id, 'o-1', 'ونک'))!;
    const { ticket } = await w.services.surveys.rate(m, friend.id, survey.id, 1);
    await w.services.surveys.finish(m, friend.id, survey.id, 'سرد بود');
    const { code } = await w.services.operators.invite(m, 'owner', null, 'test');
    const operator = await w.services.operators.link(m, code, '4242', 'Owner');
    await w.services.tickets.staffReply(m, operator.id, ticket!.id, 'ببخشید');
    await w.services.tickets.close(m, ticket!.id, 'staff');

    // Credit about to expire, a win-back with a reward, the raffle drawn.
    await w.services.ledger.earn({
      merchantId: m,
      memberId: friend.id,
      currency: 'credit',
      amount: 1_000,
      reason: 'cashback',
      idempotencyKey: 'c-1',
      actor: 'test',
    });
    await w.db.pool.query('UPDATE members SET last_purchase_at = $2 WHERE id = $1', [
      referrer.id,
      new Date(w.clock.now().getTime() - 40 * DAY),
    ]);
    w.clock.advance(8 * DAY);
    await w.services.expiry.remindExpiring();
    await w.services.automations.runFor(m);
    await w.services.raffles.draw(m, raffle.id);

    // A rolling tier window that lapses: the review moves the member down.
    const rolling = await w.newMerchant({
      tiers: {
        window: '12m',
        levels: [
          { key: 'bronze', threshold: 0 },
          { key: 'gold', threshold: 100 },
        ],
      },
    });
    const climber = await joinedMember(w, rolling);
    await w.services.ledger.earn({
      merchantId: rolling,
      memberId: climber.id,
      currency: 'points',
      amount: 150,
      reason: 'purchase',
      idempotencyKey: 'tier-1',
      actor: 'test',
    });
    w.clock.advance(400 * DAY);
    expect(await w.services.tierReview.review()).toBe(1);

    const rows = await outboxRows();
    expect(
      rows
        .filter((row) => !row.parsed.ok)
        .map((row) => ({ type: row.type, problem: row.parsed.ok ? '' : row.parsed.problem, payload: row.payload })),
    ).toEqual([]);
    const written = new Set(rows.map((row) => row.type));
    expect(EVENT_TYPES.filter((type) => !written.has(type) && !NOT_DRIVEN_HERE.includes(type))).toEqual([]);
    const directions = rows.flatMap((row) =>
      row.parsed.ok && row.parsed.event.type === 'tier.changed' ? [row.parsed.event.payload.direction] : [],
    );
    expect(new Set(directions)).toEqual(new Set(['up', 'down']));
  });

  it('refuses a payload that does not fit, and an unknown type', () => {
    expect(parseEvent('gift.requested', { member_id: 'm', request_id: 'r', gift_id: 'g', gift_title: 'Mug' })).toMatchObject({ ok: true });
    expect(parseEvent('gift.requested', { member_id: 'm', request_id: 'r', gift_title: 42 })).toEqual({
      ok: false,
      problem: expect.stringMatching(/gift_id.*gift_title|gift_title.*gift_id/s),
    });
    expect(parseEvent('tier.changed', { member_id: 'm', from: 'a', to: 'b', direction: 'sideways' })).toMatchObject({ ok: false });
    expect(parseEvent('member.left', { member_id: 'm' })).toEqual({ ok: false, problem: 'unknown event type "member.left"' });
    expect(parseEvent('ticket.closed', null)).toMatchObject({ ok: false });
  });

  it('a malformed event is dead-lettered without retries; the worker goes on with the next one', async () => {
    const m = await w.newMerchant();
    const queue = new Queue<DomainEvent>(QueueName.events, { connection: r.redis, prefix: r.prefix });
    const seen: DeliveredEvent[] = [];
    const recorder: EventHandler = { name: 'recorder', handle: async (event) => void seen.push(event) };
    const logger = createLogger('silent');
    const worker = startEventWorker({ connection: r.redis, prefix: r.prefix, redis: r.redis }, [recorder], logger);
    const relay = new OutboxRelay(w.db.pool, queue, logger);
    try {
      await w.db.pool.query('UPDATE outbox_events SET published_at = now() WHERE published_at IS NULL');
      await w.db.pool.query(
        `INSERT INTO outbox_events (merchant_id, type, payload) VALUES
           ($1, 'raffle.won', '{"member_id": "x", "raffle_title": 7}'),
           ($1, 'no.such.event', '{}'),
           ($1, 'tier.changed', '{"member_id": "x", "from": "bronze", "to": "silver", "direction": "up"}')`,
        [m],
      );
      await relay.drain();
      await waitForQuietOutbox(w.db.pool, [queue]);
      expect(seen.map((e) => e.type)).toEqual(['tier.changed']);
      const failed = await queue.getJobs(['failed']);
      expect(failed.map((j) => [j.data.type, j.attemptsMade]).sort()).toEqual([
        ['no.such.event', 1],
        ['raffle.won', 1],
      ]);
      expect(failed.find((j) => j.data.type === 'raffle.won')!.failedReason).toMatch(/raffle_id.*raffle_title|raffle_title.*raffle_id/s);
      expect(worker.isRunning()).toBe(true);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('each event type exports as JSON Schema with its API version, for publishing', () => {
    for (const type of EVENT_TYPES) {
      const schema = eventJsonSchema(type) as { properties: Record<string, { const?: string; type?: string }>; required: string[] };
      expect(schema.properties.type!.const).toBe(type);
      expect(schema.properties.api_version!.const).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(schema.required).toEqual(expect.arrayContaining(['id', 'type', 'api_version', 'created_at', 'data']));
    }
  });

  it('writers cannot name an unknown event or give it the wrong fields (compile-time)', () => {
    // @ts-expect-error: no such event type
    outboxEvent('member.left', { member_id: 'm' });
    // @ts-expect-error: gift.requested needs gift_id
    outboxEvent('gift.requested', { member_id: 'm', request_id: 'r', gift_title: 'Mug' });
    outboxEvent('ticket.closed', {
      member_id: 'm',
      ticket_id: 't',
      // @ts-expect-error: ticket numbers are numbers
      number: '7',
      branch: null,
      category: 'x',
      source: 'member',
      by: 'staff',
    });
    type Command = ApplyCommandWithout<'requestHash' | 'day' | 'tiers'>;
    const base = { merchantId: 'm', memberId: 'x', idempotencyKey: 'k', kind: 'k', actor: 'a', lines: [] };
    // @ts-expect-error: a ledger operation cannot name an event the catalogue does not have
    const unknown: Command = { ...base, eventType: 'coins.found' };
    // @ts-expect-error: purchase.recorded needs its purchase's fields
    const bare: Command = { ...base, eventType: 'purchase.recorded' };
    // @ts-expect-error: a refund's amount is a number
    const wrong: Command = { ...base, eventType: 'purchase.refunded', event: { order_id: 'o', refund_id: 'r', amount: '5', full: true } };
    const fine: Command = { ...base, eventType: 'gift.paid' };
    expect([unknown, bare, wrong, fine]).toHaveLength(4);
  });
});
