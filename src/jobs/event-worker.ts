import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseEvent, type DeliveredEvent } from '../domain/events/catalog.js';
import type { Logger } from '../logger.js';
import { QueueName, type DomainEvent, type QueueContext } from './queues.js';

/** Something that reacts to domain events (member notifications, referral rewards, …). */
export interface EventHandler {
  name: string;
  handle(event: DeliveredEvent): Promise<void>;
}

/** The queued row checked against the catalogue, or why it does not fit. */
export function deliveredEvent(job: DomainEvent): { ok: true; event: DeliveredEvent } | { ok: false; problem: string } {
  const parsed = parseEvent(job.type, job.payload);
  if (!parsed.ok) return parsed;
  return { ok: true, event: { ...parsed.event, id: job.id, merchantId: job.merchantId, createdAt: job.createdAt } };
}

const DONE_TTL = 7 * 86_400;

/**
 * One worker for the domain-events queue that gives every event to every handler. A handler
 * that succeeded is marked done for that event, so a retry (another handler failed, or the
 * worker died) runs only the ones still owed. An event that does not fit its schema reaches no
 * handler: it is logged and left failed without retries (the failed set keeps it a week).
 */
export function startEventWorker(
  ctx: QueueContext & { redis: Redis },
  handlers: EventHandler[],
  logger: Logger,
  concurrency = 10,
): Worker<DomainEvent> {
  const worker = new Worker<DomainEvent>(
    QueueName.events,
    async (job) => {
      const parsed = deliveredEvent(job.data);
      if (!parsed.ok) {
        logger.error({ event: job.data.type, id: job.data.id, problem: parsed.problem }, 'event does not fit its schema; dead-lettered');
        throw new UnrecoverableError(`invalid event: ${parsed.problem}`);
      }
      // Which handlers are done already, read in one round trip (every event passes here).
      const keys = handlers.map((handler) => `${ctx.prefix}:event-done:${job.data.id}:${handler.name}`);
      const done = await ctx.redis.mget(keys);
      for (const [i, handler] of handlers.entries()) {
        if (done[i] !== null) continue;
        await handler.handle(parsed.event);
        await ctx.redis.set(keys[i]!, '1', 'EX', DONE_TTL);
      }
    },
    { connection: ctx.connection, prefix: ctx.prefix, concurrency },
  );
  worker.on('failed', (job, err) => logger.warn({ event: job?.data.type, id: job?.data.id, err: err.message }, 'event handler failed'));
  return worker;
}
