import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BroadcastQueue, BroadcastService, Recipient } from '../domain/campaigns/broadcast-service.js';
import type { ChannelName } from '../domain/members/types.js';
import type { Logger } from '../logger.js';
import { BROADCAST_QUEUE_OPTIONS, broadcastQueueName, SEND_JOB_OPTIONS, type BroadcastJob } from './broadcast-sender.js';
import { QueueName, type QueueContext } from './queues.js';
import { systemClock, type Clock } from '../domain/clock.js';

const PROGRESS_EVERY_MS = 2_000;
const CONTROL_JOB = {
  removeOnComplete: true,
  removeOnFail: { age: 7 * 86_400 },
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
} as const;

export interface ControlJob {
  b: string;
}

/**
 * BullMQ side of broadcasts: a queue per bot for the sends (bulk-added, job id per recipient so
 * a second enqueue of a waiting recipient adds nothing) and a control queue for the fan-out
 * (delayed until the schedule) and the throttled progress updates.
 */
export class BullBroadcastQueues implements BroadcastQueue {
  private readonly sendQueues = new Map<string, Queue<BroadcastJob>>();
  readonly control: Queue<ControlJob>;

  private readonly sendOptions: typeof SEND_JOB_OPTIONS;
  private readonly clock: Clock;

  /** `retryDelayMs`: first backoff of a failed send (doubling each time); `clock`: the one the schedule times are on. */
  constructor(
    private readonly ctx: QueueContext & { redis: Redis },
    opts: { retryDelayMs?: number; clock?: Clock } = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.sendOptions = {
      ...SEND_JOB_OPTIONS,
      backoff: { type: 'exponential', delay: opts.retryDelayMs ?? SEND_JOB_OPTIONS.backoff.delay },
    };
    this.control = new Queue<ControlJob>(QueueName.broadcastControl, {
      connection: ctx.connection,
      prefix: ctx.prefix,
      ...BROADCAST_QUEUE_OPTIONS,
    });
  }

  sendQueue(merchantId: string, channel: ChannelName = 'telegram'): Queue<BroadcastJob> {
    const name = broadcastQueueName(merchantId, channel);
    let q = this.sendQueues.get(name);
    if (!q) {
      q = new Queue<BroadcastJob>(name, { connection: this.ctx.connection, prefix: this.ctx.prefix, ...BROADCAST_QUEUE_OPTIONS });
      this.sendQueues.set(name, q);
    }
    return q;
  }

  async enqueue(merchantId: string, broadcastId: string, recipients: Recipient[]) {
    for (const channel of ['telegram', 'bale', 'whatsapp'] as const) {
      const mine = recipients.filter((r) => r.channel === channel);
      if (mine.length)
        await this.sendQueue(merchantId, channel).addBulk(
          mine.map((r) => ({
            name: 'send',
            data: { b: broadcastId, m: r.memberId },
            opts: { ...this.sendOptions, jobId: `${broadcastId}_${r.memberId}` },
          })),
        );
    }
  }

  async scheduleStart(_merchantId: string, broadcastId: string, at: Date) {
    await this.control.add(
      'start',
      { b: broadcastId },
      { ...CONTROL_JOB, jobId: `start_${broadcastId}_${at.getTime()}`, delay: Math.max(0, at.getTime() - this.clock.now().getTime()) },
    );
  }

  /** At most one progress job per broadcast every two seconds, run at the end of the window. */
  async progress(broadcastId: string) {
    const fresh = await this.ctx.redis.set(`${this.ctx.prefix}:bc-progress:${broadcastId}`, '1', 'PX', PROGRESS_EVERY_MS, 'NX');
    if (fresh)
      await this.control.add(
        'progress',
        { b: broadcastId },
        { ...CONTROL_JOB, jobId: `progress_${broadcastId}_${Date.now()}`, delay: PROGRESS_EVERY_MS },
      );
  }

  /** A finished broadcast leaves nothing behind: its jobs are gone already, this empties the event streams. */
  async tidy(merchantId: string) {
    await Promise.all(
      [...(['telegram', 'bale', 'whatsapp'] as const).map((ch) => this.sendQueue(merchantId, ch)), this.control].map((q) =>
        q.trimEvents(0),
      ),
    );
  }

  async close() {
    await Promise.all([...this.sendQueues.values(), this.control].map((q) => q.close()));
  }
}

/** Runs fan-outs and progress updates; `showProgress` edits the composer's progress message. */
export function startBroadcastControlWorker(
  ctx: QueueContext,
  deps: { broadcasts: BroadcastService; queues: BullBroadcastQueues; showProgress(broadcastId: string): Promise<void>; logger: Logger },
): Worker<ControlJob> {
  const worker = new Worker<ControlJob>(
    QueueName.broadcastControl,
    async (job) => {
      if (job.name === 'start') {
        const b = await deps.broadcasts.start(job.data.b);
        deps.logger.info({ broadcast: job.data.b, status: b?.status, recipients: b?.recipients }, 'broadcast started');
        await deps.queues.progress(job.data.b);
        return;
      }
      await deps.broadcasts.finishIfDone(job.data.b);
      await deps.showProgress(job.data.b);
      const b = await deps.broadcasts.find(job.data.b);
      if (b && (b.status === 'done' || b.status === 'cancelled')) await deps.queues.tidy(b.merchantId);
    },
    { connection: ctx.connection, prefix: ctx.prefix, concurrency: 4 },
  );
  worker.on('failed', (job, err) =>
    deps.logger.warn({ job: job?.name, broadcast: job?.data.b, err: err.message }, 'broadcast control job failed'),
  );
  return worker;
}
