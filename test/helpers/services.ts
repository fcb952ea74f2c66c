import { randomBytes } from 'node:crypto';
import { createServices } from '../../src/app/container.js';
import type { Clock } from '../../src/domain/clock.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import type { TestRedis } from './redis.js';
import { BullBroadcastQueues } from '../../src/jobs/broadcast-control.js';

export type Services = ReturnType<typeof createServices>;

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(private current = new Date('2026-11-23T08:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
  set(moment: Date | string) {
    this.current = new Date(moment);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestWorld {
  db: TestDatabase;
  /** Broadcast queues on the test Redis, when the world was made with one. */
  broadcastQueues?: BullBroadcastQueues;
  services: Services;
  clock: TestClock;
  secretBox: SecretBox;
  /** The key of `secretBox`, for child processes that must read what this world sealed. */
  secretKey: string;
  newMerchant(settings?: unknown, name?: string): Promise<string>;
  close(): Promise<void>;
}

/** A database of its own with the real services on it. */
export async function createTestWorld(
  opts: { redis?: TestRedis; broadcastRatePerSecond?: number; broadcastRetryDelayMs?: number } = {},
): Promise<TestWorld> {
  const db = await createTestDatabase();
  const clock = new TestClock();
  const secretKey = randomBytes(32).toString('hex');
  const secretBox = new SecretBox(secretKey);
  const broadcastQueues = opts.redis
    ? new BullBroadcastQueues(
        { connection: opts.redis.redis, prefix: opts.redis.prefix, redis: opts.redis.redis },
        { retryDelayMs: opts.broadcastRetryDelayMs, clock },
      )
    : undefined;
  const services = createServices(db, secretBox, clock, {
    broadcastQueue: broadcastQueues,
    broadcastRatePerSecond: opts.broadcastRatePerSecond,
  });
  return {
    db,
    broadcastQueues,
    services,
    clock,
    secretBox,
    secretKey,
    async newMerchant(settings?: unknown, name = 'Test Shop') {
      const { id } = await services.merchants.create({ name });
      if (settings !== undefined) await services.settings.set(id, settings);
      return id;
    },
    async close() {
      await broadcastQueues?.close();
      await db.drop();
    },
  };
}

let phoneCounter = 0;
/** A fresh, valid Iranian mobile number for each call. */
export function newPhone(): string {
  phoneCounter++;
  return `+98912${String(process.pid % 1000).padStart(3, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

/** Sum of a member's ledger entries per currency, straight from the table. */
export async function ledgerSums(db: TestDatabase, memberId: string) {
  const { rows } = await db.pool.query<{ currency: string; total: string }>(
    'SELECT currency, sum(amount)::text AS total FROM ledger_entries WHERE member_id = $1 GROUP BY currency',
    [memberId],
  );
  const out = { points: 0, coins: 0, credit: 0 };
  for (const r of rows) out[r.currency as keyof typeof out] = Number(r.total);
  return out;
}

export async function storedBalances(db: TestDatabase, memberId: string) {
  const { rows } = await db.pool.query('SELECT points, coins, credit, points_debt, coins_debt, credit_debt FROM members WHERE id = $1', [
    memberId,
  ]);
  const r = rows[0];
  return {
    balances: { points: Number(r.points), coins: Number(r.coins), credit: Number(r.credit) },
    debts: { points: Number(r.points_debt), coins: Number(r.coins_debt), credit: Number(r.credit_debt) },
  };
}

export async function bucketSums(db: TestDatabase, memberId: string) {
  const { rows } = await db.pool.query<{ currency: string; total: string }>(
    'SELECT currency, sum(remaining)::text AS total FROM earn_buckets WHERE member_id = $1 GROUP BY currency',
    [memberId],
  );
  const out = { points: 0, coins: 0, credit: 0 };
  for (const r of rows) out[r.currency as keyof typeof out] = Number(r.total);
  return out;
}

let telegramIds = 0;
/** A member who joined over Telegram, optionally given coins/points/credit to spend; read back fresh. */
export async function joinedMember(w: TestWorld, merchantId: string, give: Partial<Record<'points' | 'coins' | 'credit', number>> = {}) {
  const { member } = await w.services.members.register({
    merchantId,
    phone: newPhone(),
    channel: 'telegram',
    externalUserId: `${process.pid}${String(++telegramIds).padStart(6, '0')}`,
  });
  for (const [currency, amount] of Object.entries(give)) {
    if (amount)
      await w.services.ledger.adjust({
        merchantId,
        memberId: member.id,
        currency: currency as 'coins',
        amount,
        reason: 'test',
        idempotencyKey: `seed-${currency}-${member.id}`,
        actor: 'test',
      });
  }
  return w.services.members.get(merchantId, member.id);
}
