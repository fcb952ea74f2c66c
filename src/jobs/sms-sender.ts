import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Clock } from '../domain/clock.js';
import type { SmsQueue, SmsService } from '../domain/sms/sms-service.js';
import type { Logger } from '../logger.js';
import type { QueueContext } from './queues.js';

export const SMS_QUEUE = 'sms';
export const SMS_ATTEMPTS = 6;

export interface SmsJob {
  id: string;
}

/** A job per SMS row: provider errors retry with exponential backoff (2 s, 4 s, … about a minute in all). */
export class BullSmsQueue implements SmsQueue {
  readonly queue: Queue<SmsJob>;

  constructor(
    ctx: QueueContext,
    private readonly clock: Clock,
    private readonly retryDelayMs = 2_000,
  ) {
    this.queue = new Queue<SmsJob>(SMS_QUEUE, { connection: ctx.connection, prefix: ctx.prefix });
  }

  async enqueue(id: string, at: Date) {
    await this.queue.add(
      'send',
      { id },
      {
        jobId: `sms-${id}`,
        delay: Math.max(0, at.getTime() - this.clock.now().getTime()),
        attempts: SMS_ATTEMPTS,
        backoff: { type: 'exponential', delay: this.retryDelayMs },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 86_400 },
      },
    );
  }

  close() {
    return this.queue.close();
  }
}

/**
 * Sends queued SMS one row at a time (a few at once: providers take parallel calls). A row that
 * has to wait (quiet hours, the day's cap) goes back to the delayed set until its time; the
 * delay is measured on the injected clock and applied on Redis's real one.
 */
export function startSmsWorker(ctx: QueueContext, d: { sms: SmsService; clock: Clock; logger: Logger }, concurrency = 4): Worker<SmsJob> {
  const worker = new Worker<SmsJob>(
    SMS_QUEUE,
    async (job: Job<SmsJob>, token) => {
      const step = await d.sms.deliver(job.data.id, { last: job.attemptsMade + 1 >= (job.opts.attempts ?? SMS_ATTEMPTS) });
      if ('done' in step) return step.done;
      const waitMs = Math.max(1000, step.waitUntil.getTime() - d.clock.now().getTime());
      await job.moveToDelayed(Date.now() + waitMs, token);
      throw new DelayedError();
    },
    { connection: ctx.connection, prefix: ctx.prefix, concurrency },
  );
  worker.on('failed', (job, err) => {
    if (!(err instanceof DelayedError))
      d.logger.warn({ sms: job?.data.id, attempt: job?.attemptsMade, err: err.message }, 'sms send failed');
  });
  return worker;
}
