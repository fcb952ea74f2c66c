import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { MemberStore } from '../domain/members/types.js';
import { BROADCAST_QUEUE_OPTIONS, broadcastQueueName, processDelivery, type BroadcastJob, type SenderDeps } from './broadcast-sender.js';
import type { QueueContext } from './queues.js';
import type { WhatsAppRateLimiter } from './whatsapp-rate-limit.js';

/** One message of a notification, in order; the image as base64 (jobs are JSON). */
export interface WhatsAppNotifyJob {
  merchantId: string;
  chatId: string;
  /** The member's WhatsApp identity, to mark unreachable when the number has no WhatsApp. */
  externalUserId: string;
  text: string;
  png?: string;
  imageUrl?: string;
  /** The recipient never wrote to the club first (the hourly first-contact cap applies). */
  cold: boolean;
  /**
   * On a notification's last message: the numbered options it offers (a survey's stars), or null
   * when it offers none, so the chat's numbers are the main menu's again. Absent: no change.
   */
  options?: string[] | null;
  optionBase?: 0 | 1;
}

type WhatsAppJob = Job<BroadcastJob | WhatsAppNotifyJob>;

const NOTIFY_JOB = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 86_400 },
} as const;

/** The worker role's side: notifications wait in the number's queue like broadcast sends. */
export class WhatsAppOutbox {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly ctx: QueueContext) {}

  private queue(merchantId: string): Queue {
    const name = broadcastQueueName(merchantId, 'whatsapp');
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.ctx.connection, prefix: this.ctx.prefix, ...BROADCAST_QUEUE_OPTIONS });
      this.queues.set(name, q);
    }
    return q;
  }

  /** `key` makes a retried event add nothing twice. */
  async notify(key: string, messages: WhatsAppNotifyJob[]): Promise<void> {
    if (!messages.length) return;
    await this.queue(messages[0]!.merchantId).addBulk(
      messages.map((data, i) => ({ name: 'notify', data, opts: { ...NOTIFY_JOB, jobId: `${key}_${i}` } })),
    );
  }

  async close() {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

/** The club number's session in this process, as the queue sees it (the WhatsApp channel implements it). */
export interface WhatsAppNotifications {
  /** The number the club sends from, while its session runs in this process. */
  number(merchantId: string): string | undefined;
  /** Sends one queued message (and sets the chat's numbered options first); 'unreachable' when the number has no WhatsApp. */
  send(message: WhatsAppNotifyJob): Promise<'sent' | 'unreachable'>;
}

export interface WhatsAppSenderDeps {
  channel: WhatsAppNotifications;
  limiter: WhatsAppRateLimiter;
  memberStore: MemberStore;
  /** Broadcast deliveries; `channels.whatsapp` is this number's delivery channel. */
  sender: SenderDeps;
  logger: Logger;
}

async function notify(d: WhatsAppSenderDeps, job: Job<WhatsAppNotifyJob>, token: string | undefined): Promise<string> {
  const { merchantId, cold } = job.data;
  const number = d.channel.number(merchantId);
  // Retried with backoff: the session may be starting.
  if (!number) throw new Error('WhatsApp is not running for this club');
  const booking = await d.limiter.waitTurn(number, { cold });
  if (!booking.ok) {
    await job.moveToDelayed(Date.now() + booking.waitMs, token);
    throw new DelayedError();
  }
  const sent = await d.channel.send(job.data);
  if (sent === 'unreachable') await d.memberStore.markUnreachable(merchantId, 'whatsapp', job.data.externalUserId, true);
  return sent;
}

/**
 * The number's queue, in the process that holds its WhatsApp session: notifications and
 * broadcast sends, one at a time behind the number's limiter.
 */
export function startWhatsAppSender(
  ctx: QueueContext & { redis: Redis },
  merchantId: string,
  d: WhatsAppSenderDeps,
  workerOptions: { lockDuration?: number; stalledInterval?: number } = {},
) {
  const name = broadcastQueueName(merchantId, 'whatsapp');
  const queue = new Queue<BroadcastJob>(name, { connection: ctx.connection, prefix: ctx.prefix, ...BROADCAST_QUEUE_OPTIONS });
  const worker = new Worker(
    name,
    (job: WhatsAppJob, token) =>
      job.name === 'notify'
        ? notify(d, job as Job<WhatsAppNotifyJob>, token)
        : processDelivery(d.sender, job as Job<BroadcastJob>, token, queue),
    { connection: ctx.connection, prefix: ctx.prefix, concurrency: 1, ...workerOptions },
  );
  worker.on('failed', (job, err) => {
    if (!(err instanceof DelayedError) && err.name !== 'RateLimitError')
      d.logger.warn({ job: job?.name, attempt: job?.attemptsMade, err: err.message }, 'whatsapp send failed');
  });
  return { worker, queue };
}
