import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { QueueName, type DomainEvent, type QueueContext } from './queues.js';

/** Something that reacts to domain events (member notifications, referral rewards, …). */
export interface EventHandler {
  name: string;
  handle(event: DomainEvent): Promise<void>;
}

const DONE_TTL = 7 * 86_400;

/**
 * One worker for the domain-events queue that gives every event to every handler. A handler
 * that succeeded is marked done for that event, so a retry (another handler failed, or the
 * worker died) runs only the ones still owed.
 */
export function startEventWorker(ctx: QueueContext & { redis: Redis }, handlers: EventHandler[], logger: Logger, concurrency = 10): Worker<DomainEvent> {
  const worker = new Worker<DomainEvent>(
    QueueName.events,
    async (job) => {
      for (const handler of handlers) {
        const key = `${ctx.prefix}:event-done:${job.data.id}:${handler.name}`;
        if (await ctx.redis.exists(key)) continue;
        await handler.handle(job.data);
        await ctx.redis.set(key, '1', 'EX', DONE_TTL);
      }
    },
    { connection: ctx.connection, prefix: ctx.prefix, concurrency },
  );
  worker.on('failed', (job, err) => logger.warn({ event: job?.data.type, id: job?.data.id, err: err.message }, 'event handler failed'));
  return worker;
}
