import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';

export const QueueName = {
  /** Domain events relayed from the outbox; channels turn them into member messages. */
  events: 'domain-events',
  /** Scheduled housekeeping: expiry, reminders, tier review, pruning. */
  maintenance: 'maintenance',
  /** Raffle draws, delayed until each raffle closes. */
  raffleDraws: 'raffle-draws',
  /** Broadcast fan-outs (delayed to their schedule) and progress updates; the sends have a queue per bot. */
  broadcastControl: 'broadcast-control',
  /** Post-purchase surveys, delayed until it is time to ask. */
  feedback: 'feedback',
} as const;

export interface QueueContext {
  connection: ConnectionOptions;
  /** Every BullMQ key starts with this (REDIS_PREFIX; tests use their own). */
  prefix: string;
}

/** Completed jobs stay an hour so a re-added jobId is still recognised as a duplicate. */
export const KEEP: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 3600, count: 50_000 },
  removeOnFail: { age: 7 * 86_400 },
};

export function openQueue<T = unknown>(name: string, ctx: QueueContext): Queue<T> {
  return new Queue<T>(name, { connection: ctx.connection, prefix: ctx.prefix });
}

/** An outbox row as queued: the payload is checked against the event catalogue when it is handled. */
export interface DomainEvent {
  id: number;
  merchantId: string;
  type: string;
  payload: unknown;
  createdAt: string;
}
