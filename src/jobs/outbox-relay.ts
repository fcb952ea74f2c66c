import { PollPause } from '../lib/poll-pause.js';
import { GiveWay } from '../lib/give-way.js';
import type pg from 'pg';
import type { Queue } from 'bullmq';
import type { Logger } from '../logger.js';
import { KEEP, type DomainEvent } from './queues.js';

/**
 * Moves committed outbox rows into BullMQ, polling every `pollMs` (100 ms by default). We
 * tried NOTIFY from the ledger transaction: it serialises commits and cost a third of the
 * ledger's throughput, so the relay polls an index instead.
 *
 * Rows are claimed with SKIP LOCKED, added with jobId `evt-<id>`, and marked published in the
 * same transaction: a crash before the commit re-adds the same jobIds (BullMQ keeps one), and a
 * rolled-back change never had a row. So every committed event is delivered, and at most once
 * while its job is retained.
 *
 * With `yieldWhile` (one process running every role: the API's requests in flight) the relay
 * gives way to the requests the process serves: while it says busy, the relay waits, and then
 * publishes one small batch (`busyBatch`) every `maxDelayMs`. A burst of purchases is answered
 * first and its events follow once it is over; nothing is dropped, only delayed.
 */
export class OutboxRelay {
  private running = false;
  private readonly idle = new PollPause();
  private loop?: Promise<void>;

  private readonly giveWay: GiveWay;

  constructor(
    private readonly pool: pg.Pool,
    private readonly queue: Queue<DomainEvent>,
    private readonly logger: Logger,
    private readonly opts: {
      batch?: number;
      pollMs?: number;
      yieldWhile?: () => boolean;
      maxDelayMs?: number;
      busyBatch?: number;
    } = {},
  ) {
    this.giveWay = new GiveWay(opts.yieldWhile, opts.maxDelayMs);
  }

  /** Publishes everything pending; returns how many events went out. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  async publishBatch(limit = this.batchSize): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{
        id: string;
        merchant_id: string;
        type: string;
        payload: Record<string, unknown>;
        created_at: Date;
      }>(
        `SELECT id, merchant_id, type, payload, created_at FROM outbox_events
         WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length) {
        await this.queue.addBulk(
          rows.map((r) => ({
            name: r.type,
            data: { id: Number(r.id), merchantId: r.merchant_id, type: r.type, payload: r.payload, createdAt: r.created_at.toISOString() },
            opts: { jobId: `evt-${r.id}`, attempts: 8, backoff: { type: 'exponential', delay: 1_000 }, ...KEEP },
          })),
        );
        await client.query('UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      }
      await client.query('COMMIT');
      return rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** Runs until stop(); drains at once whenever a batch came back full. */
  async start(): Promise<void> {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let published = 0;
        if (this.giveWay.skipRound()) {
          await this.idle.sleep(this.opts.pollMs ?? 100);
          continue;
        }
        try {
          published = await this.publishBatch(this.giveWay.busy ? (this.opts.busyBatch ?? 100) : this.batchSize);
        } catch (err) {
          this.logger.warn({ err: (err as Error).message }, 'outbox relay failed; retrying');
        }
        if (published >= this.batchSize) continue;
        await this.idle.sleep(this.opts.pollMs ?? 100);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.idle.wake();
    await this.loop;
  }

  private get batchSize(): number {
    return this.opts.batch ?? 500;
  }
}
