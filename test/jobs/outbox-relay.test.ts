import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../src/jobs/outbox-relay.js';
import { QueueName, type DomainEvent } from '../../src/jobs/queues.js';
import { createLogger } from '../../src/logger.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { createTestWorld, newPhone, type TestWorld } from '../helpers/services.js';
import { waitFor } from '../helpers/process.js';

let w: TestWorld;
let r: TestRedis;
let queue: Queue<DomainEvent>;
let merchantId: string;

beforeAll(async () => {
  w = await createTestWorld();
  r = createTestRedis();
  queue = new Queue<DomainEvent>(QueueName.events, { connection: r.redis, prefix: r.prefix });
  merchantId = await w.newMerchant();
});
afterAll(async () => {
  await queue.close();
  await r.cleanup();
  await w.close();
});

const logger = createLogger('silent');

async function jobsOfMember(memberId: string) {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
  return jobs.filter((j) => (j.data.payload as { member_id?: string }).member_id === memberId);
}

describe('outbox relay', () => {
  it('publishes committed events to BullMQ once, and nothing for a rolled-back change', async () => {
    const m = (await w.services.members.ensurePending(merchantId, newPhone())).member;
    await w.services.ledger.earn({
      merchantId,
      memberId: m.id,
      currency: 'coins',
      amount: 10,
      reason: 'bonus',
      idempotencyKey: `o1-${m.id}`,
      actor: 't',
    });
    await expect(
      w.services.ledger.spend({
        merchantId,
        memberId: m.id,
        currency: 'coins',
        amount: 11,
        reason: 'gift',
        idempotencyKey: `o2-${m.id}`,
        actor: 't',
      }),
    ).rejects.toMatchObject({ code: 'insufficient_balance' });
    const relay = new OutboxRelay(w.db.pool, queue, logger);
    await relay.drain();
    await relay.drain();
    const jobs = await jobsOfMember(m.id);
    expect(jobs.map((j) => j.name)).toEqual(['ledger.changed']);
    expect(jobs[0]!.data).toMatchObject({
      merchantId,
      type: 'ledger.changed',
      payload: { balances: { coins: 10 }, entries: [{ amount: 10, reason: 'bonus' }] },
    });
    const pending = await w.db.pool.query('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL');
    expect(pending.rows[0].n).toBe(0);
  });

  it('a crash after adding to BullMQ but before marking published does not duplicate', async () => {
    const m = (await w.services.members.ensurePending(merchantId, newPhone())).member;
    await w.services.ledger.earn({
      merchantId,
      memberId: m.id,
      currency: 'points',
      amount: 5,
      reason: 'bonus',
      idempotencyKey: `c1-${m.id}`,
      actor: 't',
    });
    // The first relay dies between addBulk and its UPDATE: the transaction rolls back.
    const crashing = new OutboxRelay(
      w.db.pool,
      {
        addBulk: async (jobs: Parameters<Queue['addBulk']>[0]) => {
          await queue.addBulk(jobs as never);
          throw new Error('killed');
        },
      } as unknown as Queue<DomainEvent>,
      logger,
    );
    await expect(crashing.drain()).rejects.toThrow('killed');
    expect((await w.db.pool.query('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL')).rows[0].n).toBeGreaterThan(0);
    await new OutboxRelay(w.db.pool, queue, logger).drain();
    expect(await jobsOfMember(m.id)).toHaveLength(1);
  });

  it('running, delivers a new event within moments', async () => {
    const relay = new OutboxRelay(w.db.pool, queue, logger);
    await relay.start();
    try {
      const m = (await w.services.members.ensurePending(merchantId, newPhone())).member;
      await w.services.ledger.earn({
        merchantId,
        memberId: m.id,
        currency: 'credit',
        amount: 1000,
        reason: 'bonus',
        idempotencyKey: `n-${m.id}`,
        actor: 't',
      });
      const jobs = await waitFor(async () => ((await jobsOfMember(m.id)).length ? jobsOfMember(m.id) : undefined), 5_000);
      expect(jobs).toHaveLength(1);
    } finally {
      await relay.stop();
    }
  });

  it('beside busy requests (ROLE=all) holds events back, and publishes them all once the requests stop', async () => {
    const m = (await w.services.members.ensurePending(merchantId, newPhone())).member;
    for (const k of [1, 2, 3])
      await w.services.ledger.earn({
        merchantId,
        memberId: m.id,
        currency: 'coins',
        amount: k,
        reason: 'bonus',
        idempotencyKey: `busy${k}-${m.id}`,
        actor: 't',
      });
    let busy = true;
    let looks = 0;
    const relay = new OutboxRelay(w.db.pool, queue, logger, {
      pollMs: 10,
      maxDelayMs: 600_000,
      yieldWhile: () => {
        looks++;
        return busy;
      },
    });
    await relay.start();
    try {
      await waitFor(async () => (looks >= 5 ? true : undefined));
      expect(await jobsOfMember(m.id)).toEqual([]);
      busy = false;
      const jobs = await waitFor(async () => {
        const found = await jobsOfMember(m.id);
        return found.length === 3 ? found : undefined;
      });
      expect(jobs.map((j) => j.name)).toEqual(['ledger.changed', 'ledger.changed', 'ledger.changed']);
    } finally {
      await relay.stop();
    }
  });
});
