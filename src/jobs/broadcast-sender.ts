import { DelayedError, Queue, RateLimitError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { campaignMessageScreen } from '../chat/screens/campaign-screens.js';
import type { ClubScreens } from '../chat/club-screens.js';
import { isLocale, type Locale } from '../chat/i18n.js';
import type { BroadcastService } from '../domain/campaigns/broadcast-service.js';
import type { LedgerService } from '../domain/ledger/ledger-service.js';
import type { MemberStore } from '../domain/members/types.js';
import type { VoucherService } from '../domain/rewards/voucher-service.js';
import type { PgBroadcastStore, DeliveryContext } from '../db/repositories/broadcast-store.js';
import type { Logger } from '../logger.js';
import type { QueueContext } from './queues.js';
import type { ChannelName } from '../domain/members/types.js';
import type { InboxStore } from '../domain/feedback/types.js';
import type { Screen, ScreenContext } from '../chat/screens/types.js';
import type { Clock } from '../domain/clock.js';

export interface BroadcastJob {
  b: string;
  m: string;
}

/** Telegram and Bale sends have a queue per bot; WhatsApp sends share the club number's queue with its notifications. */
export const broadcastQueueName = (merchantId: string, channel: ChannelName) =>
  channel === 'telegram' ? `broadcast-${merchantId}` : `${channel}-${merchantId}`;
/** BullMQ keeps an events stream per queue (10,000 entries by default); a broadcast needs few. */
export const BROADCAST_QUEUE_OPTIONS = { streams: { events: { maxLen: 1000 } } } as const;
export const MAX_SEND_ATTEMPTS = 5;
/** Completed jobs are removed at once: the delivery rows in PostgreSQL are the record. */
export const SEND_JOB_OPTIONS: {
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
  removeOnComplete: true;
  removeOnFail: { age: number };
} = {
  attempts: MAX_SEND_ATTEMPTS,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 86_400 },
};

/** Why a send has to wait: the channel's pace, this recipient's own limit, or a pause the platform asked for. */
export type Booking = { ok: true } | { ok: false; waitMs: number; reason: 'bot' | 'chat' | 'paused' };

/** What a failed send means for the delivery. */
export type SendFailure =
  | { kind: 'rate'; retryAfterSeconds: number }
  | { kind: 'blocked'; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'retry' };

/** A channel broadcasts go out on (Telegram, WhatsApp): pace, link, send, and what its errors mean. */
export interface DeliveryChannel {
  readonly name: ChannelName;
  book(merchantId: string, chatId: string): Promise<Booking>;
  /** The campaign's tracked link back into the club, when the channel has one. */
  clubLink(merchantId: string, campaignId: string, c: ScreenContext): Promise<string | null>;
  /** Sends the message; the platform's message id when it is a number. */
  send(merchantId: string, chatId: string, screen: Screen, c: ScreenContext): Promise<number | null>;
  failure(err: unknown): SendFailure;
  pause(merchantId: string, seconds: number): Promise<void>;
}

export interface SenderDeps {
  store: PgBroadcastStore;
  broadcasts: BroadcastService;
  ledger: LedgerService;
  vouchers: VoucherService;
  memberStore: MemberStore;
  screens: ClubScreens;
  channels: Partial<Record<ChannelName, DeliveryChannel>>;
  /** Asks for a progress update of the broadcast (throttled by the caller). */
  progress(broadcastId: string): Promise<void>;
  /** Keeps the message for the member's "my messages". */
  inbox?: InboxStore;
  defaultLocale: Locale;
  logger: Logger;
  clock: Clock;
}

/** Gives the campaign's reward once (idempotent on campaign and member); the voucher code, if any. */
async function grantReward(
  d: SenderDeps,
  ctx: DeliveryContext,
  memberId: string,
): Promise<{ voucherCode: string | null; balances?: { points: number; coins: number } }> {
  const reward = ctx.reward;
  if (!reward) return { voucherCode: null };
  if ('voucherCampaignId' in reward)
    return { voucherCode: await d.vouchers.giveOnce(ctx.merchantId, reward.voucherCampaignId, memberId, `campaign:${ctx.campaignId}`) };
  const now = d.clock.now();
  const expiresAt = reward.expiresInDays
    ? new Date(now.getTime() + reward.expiresInDays * 86_400_000)
    : reward.currency === 'coins'
      ? null
      : await d.ledger.defaultExpiry(ctx.merchantId, reward.currency, now);
  const out = await d.ledger.apply({
    merchantId: ctx.merchantId,
    memberId,
    idempotencyKey: `campaign:${ctx.campaignId}:${memberId}`,
    kind: 'campaign',
    actor: 'campaign',
    lines: [
      {
        mode: 'earn',
        currency: reward.currency,
        amount: reward.amount,
        reason: 'campaign',
        refType: 'campaign',
        refId: ctx.campaignId,
        expiresAt,
        countsForTier: false,
      },
    ],
    // The campaign message itself tells the member.
    eventType: 'campaign.rewarded',
  });
  return { voucherCode: null, balances: out.result.balances };
}

/**
 * One recipient of a broadcast. The delivery row goes pending → sending just before the call
 * and to its final state just after; a job that finds its row already `sending` belongs to a
 * worker that died inside the call, so it is marked `unknown` and never sent again (at most
 * once). A 429 puts the row back to pending and pauses the bot for retry_after.
 */
export async function processDelivery(d: SenderDeps, job: Job<BroadcastJob>, token: string | undefined, queue: Queue): Promise<string> {
  const { b, m } = job.data;
  const ctx = await d.store.deliveryContext(b, m);
  if (!ctx) return 'gone';
  if (ctx.state === 'sending') {
    await d.store.settle(b, m, 'unknown', { error: 'worker stopped during the send' });
    await d.progress(b);
    return 'unknown';
  }
  if (ctx.state !== 'pending') return ctx.state;
  if (ctx.broadcastStatus === 'cancelled') {
    await d.store.skip(b, m, 'cancelled');
    await d.progress(b);
    return 'cancelled';
  }
  // Paused: the row stays pending; resume enqueues it again.
  if (ctx.broadcastStatus === 'paused') return 'paused';
  if (!ctx.chatId) {
    await d.store.skip(b, m, 'skipped');
    await d.progress(b);
    return 'skipped';
  }
  const channel = d.channels[ctx.channel];
  if (!channel) throw new Error(`no ${ctx.channel} sender for merchant ${ctx.merchantId}`);

  // Short waits for the channel's next slot happen here; a recipient who just got a message (or a
  // capped first contact) waits in the delayed set, and a platform's pause stops the whole queue.
  for (;;) {
    const booking = await channel.book(ctx.merchantId, ctx.chatId);
    if (booking.ok) break;
    if (booking.reason === 'chat') {
      await job.moveToDelayed(Date.now() + booking.waitMs, token);
      throw new DelayedError();
    }
    if (booking.reason === 'paused' || booking.waitMs > 1000) {
      await queue.rateLimit(booking.waitMs);
      throw new RateLimitError();
    }
    await new Promise((r) => setTimeout(r, booking.waitMs));
  }

  const { voucherCode, balances } = await grantReward(d, ctx, m);
  const locale: Locale = isLocale(ctx.member.locale) ? ctx.member.locale : d.defaultLocale;
  const c = await d.screens.context(ctx.merchantId, locale);
  const clubLink = await channel.clubLink(ctx.merchantId, ctx.campaignId, c);
  const screen = campaignMessageScreen(ctx.message, { ...ctx.member, ...balances }, { clubLink, voucherCode }, c);

  if (!(await d.store.claim(b, m))) return 'taken';
  try {
    const messageId = await channel.send(ctx.merchantId, ctx.chatId, screen, c);
    await d.store.settle(b, m, 'sent', { messageId: messageId ?? undefined });
    await d.inbox
      ?.add({ merchantId: ctx.merchantId, memberId: m, kind: 'campaign', text: screen.text, source: `bc:${b}` })
      .catch((err: Error) => d.logger.warn({ err: err.message }, 'inbox write failed'));
    await d.progress(b);
    return 'sent';
  } catch (err) {
    const failure = channel.failure(err);
    if (failure.kind === 'rate') {
      await d.store.settle(b, m, 'pending', { error: `429 retry after ${failure.retryAfterSeconds}` });
      await channel.pause(ctx.merchantId, failure.retryAfterSeconds);
      await queue.rateLimit(failure.retryAfterSeconds * 1000);
      throw new RateLimitError();
    }
    if (failure.kind === 'blocked') {
      await d.store.settle(b, m, 'blocked', { error: failure.reason });
      const identity = (await d.memberStore.identities(m)).find((i) => i.channel === ctx.channel && i.chatId === ctx.chatId);
      if (identity) await d.memberStore.markUnreachable(ctx.merchantId, ctx.channel, identity.externalUserId, true);
      await d.progress(b);
      return 'blocked';
    }
    const message = err instanceof Error ? err.message : String(err);
    if (failure.kind === 'failed' || job.attemptsMade + 1 >= (job.opts.attempts ?? MAX_SEND_ATTEMPTS)) {
      await d.store.settle(b, m, 'failed', { error: message });
      await d.progress(b);
      return 'failed';
    }
    await d.store.settle(b, m, 'pending', { error: message });
    throw err;
  }
}

/** One worker per bot queue (Telegram's or Bale's); concurrency 1 keeps sends in order behind the shared limiter. */
export function startBroadcastWorker(
  ctx: QueueContext & { redis: Redis },
  merchantId: string,
  deps: SenderDeps,
  workerOptions: { lockDuration?: number; stalledInterval?: number } = {},
  channel: Extract<ChannelName, 'telegram' | 'bale'> = 'telegram',
): { worker: Worker<BroadcastJob>; queue: Queue<BroadcastJob> } {
  const name = broadcastQueueName(merchantId, channel);
  const queue = new Queue<BroadcastJob>(name, { connection: ctx.connection, prefix: ctx.prefix, ...BROADCAST_QUEUE_OPTIONS });
  const worker = new Worker<BroadcastJob>(name, (job, token) => processDelivery(deps, job, token, queue), {
    connection: ctx.connection,
    prefix: ctx.prefix,
    concurrency: 1,
    ...workerOptions,
  });
  worker.on('failed', (job, err) => {
    if (!(err instanceof RateLimitError) && !(err instanceof DelayedError))
      deps.logger.warn(
        { broadcast: job?.data.b, member: job?.data.m, attempt: job?.attemptsMade, err: err.message },
        'broadcast send failed',
      );
  });
  return { worker, queue };
}
