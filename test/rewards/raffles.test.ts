import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawWinners, publicValueOf, sha256 } from '../../src/domain/rewards/raffle-fairness.js';
import { raffleEvents, startRaffleDrawWorker, type RaffleDrawJob } from '../../src/jobs/raffle-draws.js';
import { QueueName } from '../../src/jobs/queues.js';
import { createLogger } from '../../src/logger.js';
import { drainEvents, noticeEvent } from '../helpers/events.js';
import { runNode } from '../helpers/process.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { createTestWorld, joinedMember, ledgerSums, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
let r: TestRedis;
let draws: Queue<RaffleDrawJob>;
let dir: string;
beforeAll(async () => {
  w = await createTestWorld();
  r = createTestRedis();
  draws = new Queue<RaffleDrawJob>(QueueName.raffleDraws, { connection: r.redis, prefix: r.prefix });
  dir = await mkdtemp(join(tmpdir(), 'bashgah-raffle-'));
});
afterAll(async () => {
  await draws.close();
  await r.cleanup();
  await w.close();
  await rm(dir, { recursive: true, force: true });
});

const drain = () => drainEvents(w.db, [raffleEvents(w.services.raffles, draws, () => w.clock.now().getTime())]);
const HOUR = 3_600_000;
const inHours = (h: number) => new Date(w.clock.now().getTime() + h * HOUR).toISOString();

describe('fairness', () => {
  it('the same seed and tickets always draw the same winners; a member wins once', () => {
    const tickets = Array.from({ length: 30 }, (_, i) => ({ number: i + 1, memberId: `m${i % 4}` }));
    const prizes = [
      { title: 'TV', count: 1 },
      { title: 'Mug', count: 5 },
    ];
    const a = drawWinners('seed-1', publicValueOf(tickets), tickets, prizes);
    expect(drawWinners('seed-1', publicValueOf([...tickets].reverse()), tickets, prizes)).toEqual(a);
    expect(a).toHaveLength(4); // only four members hold tickets
    expect(new Set(a.map((x) => x.memberId)).size).toBe(4);
    expect(a[0]!.prize).toBe('TV');
    expect(drawWinners('seed-2', publicValueOf(tickets), tickets, prizes)).not.toEqual(a);
  });
});

describe('raffles', () => {
  it('publish the seed hash at opening and keep the seed sealed until the draw', async () => {
    const m = await w.newMerchant();
    await expect(
      w.services.raffles.create(m, { title: 'x', prizes: [], entryRule: { kind: 'purchase' }, closesAt: inHours(1) }),
    ).rejects.toMatchObject({ code: 'invalid_raffle' });
    await expect(
      w.services.raffles.create(m, {
        title: 'x',
        prizes: [{ title: 'TV', count: 1 }],
        entryRule: { kind: 'purchase' },
        closesAt: inHours(-1),
      }),
    ).rejects.toMatchObject({ code: 'invalid_raffle' });
    const raffle = await w.services.raffles.create(m, {
      title: 'Yalda',
      prizes: [{ title: 'TV', count: 1 }],
      entryRule: { kind: 'purchase' },
      closesAt: inHours(24),
    });
    expect(raffle).toMatchObject({ status: 'open', seed: null, ticketCount: 0 });
    expect(raffle.seedHash).toMatch(/^[0-9a-f]{64}$/);
    const row = (await w.db.pool.query('SELECT seed, seed_sealed FROM raffles WHERE id = $1', [raffle.id])).rows[0];
    expect(row.seed).toBeNull();
    expect(sha256(w.secretBox.open(row.seed_sealed))).toBe(raffle.seedHash);
  });

  it('purchases earn tickets (one each, or one per N points); a replayed event earns nothing more; none after closing', async () => {
    const m = await w.newMerchant(); // default earning: 10 points per 100,000
    const perPurchase = await w.services.raffles.create(m, {
      title: 'each purchase',
      prizes: [{ title: 'TV', count: 1 }],
      entryRule: { kind: 'purchase' },
      closesAt: inHours(2),
    });
    const perPoints = await w.services.raffles.create(m, {
      title: 'per 50 points',
      prizes: [{ title: 'Mug', count: 1 }],
      entryRule: { kind: 'points', per: 50 },
      closesAt: inHours(2),
    });
    const a = await joinedMember(w, m);
    await w.services.purchases.record(m, { orderId: 'r1', phone: a.phone, amount: 1_200_000 }, 'api'); // 120 points: 2 tickets of the points raffle
    await w.services.purchases.record(m, { orderId: 'r2', phone: a.phone, amount: 300_000 }, 'api'); // 30 points: none
    const events = await drain();
    expect(await w.services.raffles.memberTickets(perPurchase.id, a.id)).toEqual([1, 2]);
    expect(await w.services.raffles.memberTickets(perPoints.id, a.id)).toEqual([1, 2]);
    const replay = events.find((e) => e.type === 'purchase.recorded')!;
    await raffleEvents(w.services.raffles, draws, () => w.clock.now().getTime()).handle(replay);
    expect(await w.services.raffles.memberTickets(perPurchase.id, a.id)).toEqual([1, 2]);
    w.clock.advance(3 * HOUR);
    await w.services.purchases.record(m, { orderId: 'r3', phone: a.phone, amount: 900_000 }, 'api');
    await drain();
    expect(await w.services.raffles.memberTickets(perPurchase.id, a.id)).toEqual([1, 2]);
    w.clock.set('2026-11-23T08:00:00Z');
  });

  it('coins buy tickets once per key; without the coins, or after closing, nothing is bought', async () => {
    const m = await w.newMerchant();
    const raffle = await w.services.raffles.create(m, {
      title: 'coins',
      prizes: [{ title: 'Phone', count: 1 }],
      entryRule: { kind: 'coins', price: 20 },
      closesAt: inHours(1),
    });
    const a = await joinedMember(w, m, { coins: 70 });
    const [x, y] = await Promise.all([
      w.services.raffles.buyTickets(m, a.id, raffle.id, 3, 'k1'),
      w.services.raffles.buyTickets(m, a.id, raffle.id, 3, 'k1'),
    ]);
    expect(x.numbers).toEqual([1, 2, 3]);
    expect(y.numbers).toEqual([1, 2, 3]);
    expect((await storedBalances(w.db, a.id)).balances.coins).toBe(10);
    await expect(w.services.raffles.buyTickets(m, a.id, raffle.id, 1, 'k2')).rejects.toMatchObject({ code: 'insufficient_balance' });
    const b = await joinedMember(w, m, { coins: 100 });
    w.clock.advance(2 * HOUR);
    await expect(w.services.raffles.buyTickets(m, b.id, raffle.id, 1, 'k3')).rejects.toMatchObject({ code: 'raffle_closed' });
    expect((await storedBalances(w.db, b.id)).balances.coins).toBe(100);
    w.clock.set('2026-11-23T08:00:00Z');
  });

  it('parallel ticket purchases get consecutive numbers with no gaps or duplicates', async () => {
    const m = await w.newMerchant();
    const raffle = await w.services.raffles.create(m, {
      title: 'rush',
      prizes: [{ title: 'Phone', count: 1 }],
      entryRule: { kind: 'coins', price: 1 },
      closesAt: inHours(1),
    });
    const buyers = await Promise.all(Array.from({ length: 20 }, () => joinedMember(w, m, { coins: 10 })));
    await Promise.all(buyers.map((b, i) => w.services.raffles.buyTickets(m, b.id, raffle.id, 2, `rush-${i}`)));
    const tickets = (await w.db.pool.query('SELECT number FROM raffle_tickets WHERE raffle_id = $1 ORDER BY number', [raffle.id])).rows.map(
      (x) => x.number,
    );
    expect(tickets).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await w.services.raffles.get(m, raffle.id)).ticketCount).toBe(40);
  });

  it('draw at close: distinct winners, seed revealed, winners told; it verifies, and tampering is caught', async () => {
    const m = await w.newMerchant();
    const raffle = await w.services.raffles.create(m, {
      title: 'Nowruz',
      prizes: [
        { title: 'Trip', count: 1 },
        { title: 'Mug', count: 2 },
      ],
      entryRule: { kind: 'coins', price: 1 },
      closesAt: inHours(1),
    });
    const members = await Promise.all(Array.from({ length: 6 }, () => joinedMember(w, m, { coins: 10 })));
    for (const [i, mem] of members.entries()) await w.services.raffles.buyTickets(m, mem.id, raffle.id, i + 1, `n-${i}`);
    await expect(w.services.raffles.draw(m, raffle.id)).rejects.toMatchObject({ code: 'raffle_still_open' });
    w.clock.advance(HOUR);
    const drawn = await w.services.raffles.draw(m, raffle.id);
    expect(drawn.status).toBe('drawn');
    expect(sha256(drawn.seed!)).toBe(raffle.seedHash);
    expect(drawn.winners!.map((x) => x.prize)).toEqual(['Trip', 'Mug', 'Mug']);
    expect(new Set(drawn.winners!.map((x) => x.memberId)).size).toBe(3);
    expect(await w.services.raffles.draw(m, raffle.id)).toMatchObject({ winners: drawn.winners }); // a second draw changes nothing
    const told = await w.db.pool.query(
      "SELECT payload->>'member_id' AS member, payload->>'prize' AS prize FROM outbox_events WHERE merchant_id = $1 AND type = 'raffle.won'",
      [m],
    );
    expect(told.rows.map((x) => x.member).sort()).toEqual(drawn.winners!.map((x) => x.memberId).sort());
    expect(await w.services.raffles.verify(raffle.id)).toMatchObject({
      ok: true,
      seedMatches: true,
      publicValueMatches: true,
      winnersMatch: true,
    });

    // The CLI re-runs it from the database, and from the public proof alone.
    const cli = (...args: string[]) =>
      runNode('src/cli/main.ts', args, { DATABASE_URL: w.db.url, ENCRYPTION_KEY: randomBytes(32).toString('hex'), DATA_DIR: dir });
    const fromDb = await cli('raffle', 'verify', raffle.id, '--json');
    expect(fromDb.code).toBe(0);
    expect(JSON.parse(fromDb.stdout)).toMatchObject({ ok: true, winners: drawn.winners });
    const proofFile = join(dir, 'proof.json');
    await writeFile(proofFile, JSON.stringify(await w.services.raffles.proof(raffle.id)));
    const fromProof = await cli('raffle', 'verify', raffle.id, '--proof', proofFile);
    expect(fromProof.code).toBe(0);
    expect(fromProof.stdout).toContain('Verified: the same seed and tickets give the same winners.');

    // Someone moves a ticket to another member after the draw: the public value no longer matches.
    await w.db.pool.query('UPDATE raffle_tickets SET member_id = $2 WHERE raffle_id = $1 AND number = 1', [raffle.id, members[5]!.id]);
    expect(await w.services.raffles.verify(raffle.id)).toMatchObject({ ok: false, publicValueMatches: false });
    const tampered = await cli('raffle', 'verify', raffle.id);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('NOT verified');
    w.clock.set('2026-11-23T08:00:00Z');
  });

  it('a raffle with no tickets draws no winners', async () => {
    const m = await w.newMerchant();
    const raffle = await w.services.raffles.create(m, {
      title: 'empty',
      prizes: [{ title: 'TV', count: 1 }],
      entryRule: { kind: 'purchase' },
      closesAt: inHours(1),
    });
    w.clock.advance(HOUR);
    expect(await w.services.raffles.drawDue()).toBeGreaterThanOrEqual(1);
    expect(await w.services.raffles.get(m, raffle.id)).toMatchObject({ status: 'drawn', winners: [], ticketCount: 0 });
    w.clock.set('2026-11-23T08:00:00Z');
  });

  it('cancelled before its draw: coins paid for tickets go back once, holders are told, nothing is drawn or sold after', async () => {
    const m = await w.newMerchant();
    const raffle = await w.services.raffles.create(m, {
      title: 'شب یلدا',
      prizes: [{ title: 'Phone', count: 1 }],
      entryRule: { kind: 'coins', price: 15 },
      closesAt: inHours(1),
    });
    const [a, b, c] = await Promise.all([joinedMember(w, m, { coins: 100 }), joinedMember(w, m, { coins: 100 }), joinedMember(w, m)]);
    await w.services.raffles.buyTickets(m, a.id, raffle.id, 2, 'a1');
    await w.services.raffles.buyTickets(m, a.id, raffle.id, 1, 'a2');
    await w.services.raffles.buyTickets(m, b.id, raffle.id, 4, 'b1');
    expect((await storedBalances(w.db, a.id)).balances.coins).toBe(55);

    // Twice at once: one cancellation, one refund per purchase of tickets.
    const [first, second] = await Promise.all([
      w.services.raffles.cancel(m, raffle.id, 'test'),
      w.services.raffles.cancel(m, raffle.id, 'test'),
    ]);
    expect(first).toMatchObject({ status: 'cancelled', winners: null, ticketCount: 7 });
    expect(second.cancelledAt).toEqual(first.cancelledAt);
    for (const mem of [a, b]) {
      expect((await storedBalances(w.db, mem.id)).balances.coins).toBe(100);
      expect((await ledgerSums(w.db, mem.id)).coins).toBe(100);
    }
    expect((await storedBalances(w.db, c.id)).balances.coins).toBe(0);
    const told = await w.db.pool.query(
      "SELECT payload FROM outbox_events WHERE merchant_id = $1 AND type = 'raffle.cancelled' ORDER BY payload->>'tickets'",
      [m],
    );
    expect(told.rows.map((r) => r.payload)).toEqual([
      { member_id: a.id, raffle_id: raffle.id, raffle_title: 'شب یلدا', tickets: 3, refunded_coins: 45 },
      { member_id: b.id, raffle_id: raffle.id, raffle_title: 'شب یلدا', tickets: 4, refunded_coins: 60 },
    ]);

    // What a holder reads in chat.
    const screen = (payload: unknown) => noticeEvent('raffle.cancelled', payload).text;
    expect(screen(told.rows[0].payload)).toBe('🎟 قرعه‌کشی «شب یلدا» لغو شد. ۴۵ سکه‌ای که برای ۳ بلیت پرداخته بودید به حسابتان برگشت.');
    expect(screen({ ...told.rows[0].payload, refunded_coins: 0 })).toBe('🎟 قرعه‌کشی «شب یلدا» لغو شد. ۳ بلیت شما دیگر در قرعه‌کشی نیست.');

    await expect(w.services.raffles.buyTickets(m, c.id, raffle.id, 1, 'c1')).rejects.toMatchObject({ code: 'raffle_closed' });
    w.clock.advance(2 * HOUR);
    await w.services.raffles.drawDue();
    expect(await w.services.raffles.draw(m, raffle.id)).toMatchObject({ status: 'cancelled', seed: null, winners: null });
    w.clock.set('2026-11-23T08:00:00Z');
  });

  it('cancelled while 20 members buy tickets at once: each member ends with every coin back or never spent', async () => {
    const m = await w.newMerchant();
    const raffle = await w.services.raffles.create(m, {
      title: 'race',
      prizes: [{ title: 'Phone', count: 1 }],
      entryRule: { kind: 'coins', price: 10 },
      closesAt: inHours(1),
    });
    const members = await Promise.all(Array.from({ length: 20 }, () => joinedMember(w, m, { coins: 50 })));
    const buys = members.map((mem, i) => w.services.raffles.buyTickets(m, mem.id, raffle.id, 1 + (i % 3), `race-${i}`));
    const cancelled = w.services.raffles.cancel(m, raffle.id, 'test');
    const settled = await Promise.allSettled(buys);
    expect((await cancelled).status).toBe('cancelled');
    for (const s of settled) if (s.status === 'rejected') expect(s.reason).toMatchObject({ code: 'raffle_closed' });
    for (const mem of members) {
      expect((await storedBalances(w.db, mem.id)).balances.coins).toBe(50);
      expect((await ledgerSums(w.db, mem.id)).coins).toBe(50);
    }
    const { rows } = await w.db.pool.query(
      "SELECT coalesce(sum((payload->>'tickets')::int), 0)::int AS told FROM outbox_events WHERE merchant_id = $1 AND type = 'raffle.cancelled'",
      [m],
    );
    expect(rows[0].told).toBe((await w.services.raffles.get(m, raffle.id)).ticketCount);
  });

  it('a drawn raffle cannot be cancelled; an unknown one is not found', async () => {
    const m = await w.newMerchant();
    const raffle = await w.services.raffles.create(m, {
      title: 'done',
      prizes: [{ title: 'TV', count: 1 }],
      entryRule: { kind: 'purchase' },
      closesAt: inHours(1),
    });
    w.clock.advance(HOUR);
    await w.services.raffles.draw(m, raffle.id);
    w.clock.set('2026-11-23T08:00:00Z');
    await expect(w.services.raffles.cancel(m, raffle.id, 'test')).rejects.toMatchObject({ code: 'raffle_drawn' });
    expect(await w.services.raffles.get(m, raffle.id)).toMatchObject({ status: 'drawn', cancelledAt: null });
    await expect(w.services.raffles.cancel(await w.newMerchant(), raffle.id, 'test')).rejects.toMatchObject({ code: 'raffle_not_found' });
  });

  it('a BullMQ delayed job draws the raffle at its close time', async () => {
    await drain();
    await draws.obliterate({ force: true }); // only this test's job in the queue
    const m = await w.newMerchant();
    w.clock.set(new Date());
    const raffle = await w.services.raffles.create(m, {
      title: 'timed',
      prizes: [{ title: 'TV', count: 1 }],
      entryRule: { kind: 'coins', price: 1 },
      closesAt: new Date(Date.now() + 1500).toISOString(),
    });
    const a = await joinedMember(w, m, { coins: 1 });
    await w.services.raffles.buyTickets(m, a.id, raffle.id, 1, 'timed-1');
    await drain(); // raffle.opened → the delayed job
    const job = await draws.getJob(`raffle-draw-${raffle.id}`);
    expect(await job!.getState()).toBe('delayed');
    expect(job!.opts.delay).toBeGreaterThan(1000);
    await w.db.pool.query("UPDATE outbox_events SET published_at = NULL WHERE merchant_id = $1 AND type = 'raffle.opened'", [m]);
    await drain(); // the event delivered again adds no second job
    expect(await draws.getJobCountByTypes('delayed', 'waiting')).toBe(1);

    w.clock.set(new Date(Date.now() + 1600)); // the services' clock, for the draw's "closed yet?" check
    const worker = startRaffleDrawWorker({ connection: r.redis, prefix: r.prefix }, w.services.raffles, createLogger('silent'));
    try {
      await expect.poll(async () => (await w.services.raffles.get(m, raffle.id)).status, { timeout: 10_000, interval: 100 }).toBe('drawn');
      expect((await w.services.raffles.get(m, raffle.id)).winners).toEqual([{ prize: 'TV', ticket: 1, memberId: a.id }]);
    } finally {
      await worker.close();
      w.clock.set('2026-11-23T08:00:00Z');
    }
  });
});
