import { systemClock, type Clock } from '../clock.js';
import { notFound, unprocessable } from '../errors.js';
import { parseSegment, type Segment } from './segments.js';
import type { ChannelName } from '../members/types.js';

export const BROADCAST_STATUSES = ['scheduled', 'enqueuing', 'sending', 'paused', 'cancelled', 'done'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];
export const DELIVERY_STATES = ['pending', 'sending', 'sent', 'failed', 'blocked', 'unknown', 'cancelled', 'held_out', 'skipped'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
export type DeliveryCounts = Record<DeliveryState, number>;

export interface Broadcast {
  id: string;
  merchantId: string;
  campaignId: string;
  status: BroadcastStatus;
  scheduleAt: Date | null;
  recipients: number;
  heldOut: number;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  progress: { chatId: string; messageId: number; locale: string } | null;
}

export interface BroadcastStore {
  create(b: { merchantId: string; campaignId: string; scheduleAt: Date | null; createdBy: string }): Promise<Broadcast>;
  get(merchantId: string, id: string): Promise<Broadcast | null>;
  getAny(id: string): Promise<Broadcast | null>;
  list(merchantId: string, limit: number): Promise<Broadcast[]>;
  forCampaign(merchantId: string, campaignId: string): Promise<Broadcast | null>;
  /** Moves the status only from one of `from`; false when it was elsewhere. */
  transition(id: string, from: BroadcastStatus[], to: BroadcastStatus): Promise<boolean>;
  /** One delivery row per member of the segment reachable in Telegram or WhatsApp, on one of them (idempotent); a share held out. */
  fanOut(b: Broadcast, segment: Segment, holdoutPercent: number, at: Date): Promise<{ recipients: number; heldOut: number }>;
  pendingMembers(broadcastId: string, after: string | null, limit: number): Promise<Recipient[]>;
  counts(broadcastId: string): Promise<DeliveryCounts>;
  /** Deliveries still pending or in flight, per channel. */
  remainingByChannel(broadcastId: string): Promise<Partial<Record<ChannelName, number>>>;
  cancelPending(broadcastId: string): Promise<number>;
  setProgress(id: string, p: { chatId: string; messageId: number; locale: string }): Promise<void>;
  segmentOf(campaignId: string): Promise<{ segment: unknown; holdoutPercent: number } | null>;
}

/** A member a broadcast goes to, and the channel it goes on. */
export interface Recipient {
  memberId: string;
  channel: ChannelName;
}

/** Where broadcast jobs go: a BullMQ queue per bot and per WhatsApp number (jobs layer). */
export interface BroadcastQueue {
  enqueue(merchantId: string, broadcastId: string, recipients: Recipient[]): Promise<void>;
  /** The start (fan-out) job, delayed until `at`. */
  scheduleStart(merchantId: string, broadcastId: string, at: Date): Promise<void>;
}

const ENQUEUE_CHUNK = 1000;

export interface BroadcastPace {
  /** Telegram messages per second per bot. */
  ratePerSecond: number;
  /** The gap between two WhatsApp messages of one number. */
  whatsappIntervalMs: number;
  /** Bale messages per second per bot (Telegram's pace when absent). */
  baleRatePerSecond?: number;
}

/** Seconds until the last message is out: each channel drains its own queue at its own pace, at once. */
export function broadcastEtaSeconds(remaining: Partial<Record<ChannelName, number>>, pace: BroadcastPace): number {
  const telegram = remaining.telegram ?? 0;
  const whatsapp = remaining.whatsapp ?? 0;
  const bale = remaining.bale ?? 0;
  return Math.max(
    Math.ceil(telegram / pace.ratePerSecond),
    Math.ceil(bale / (pace.baleRatePerSecond ?? pace.ratePerSecond)),
    Math.ceil((whatsapp * pace.whatsappIntervalMs) / 1000),
  );
}

/**
 * Broadcasts: a campaign's message (and reward) to every member of its segment, one delivery
 * row and one queued job per recipient. The delivery row is the truth: a job whose row is not
 * pending does nothing, so re-enqueueing (resume, a restarted fan-out) never sends twice.
 */
export class BroadcastService {
  constructor(
    private readonly deps: {
      store: BroadcastStore;
      queue: BroadcastQueue;
      ratePerSecond: number;
      whatsappIntervalMs?: number;
      baleRatePerSecond?: number;
      clock?: Clock;
    },
  ) {}

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  get pace(): BroadcastPace {
    return {
      ratePerSecond: this.deps.ratePerSecond,
      whatsappIntervalMs: this.deps.whatsappIntervalMs ?? 1000,
      baleRatePerSecond: this.deps.baleRatePerSecond,
    };
  }

  async create(merchantId: string, campaignId: string, scheduleAt: Date | null, createdBy: string): Promise<Broadcast> {
    const now = this.clock.now();
    if (scheduleAt && scheduleAt.getTime() < now.getTime() - 60_000) throw unprocessable('schedule_in_past', 'scheduleAt is in the past');
    const b = await this.deps.store.create({ merchantId, campaignId, scheduleAt, createdBy });
    await this.deps.queue.scheduleStart(merchantId, b.id, scheduleAt && scheduleAt > now ? scheduleAt : now);
    return b;
  }

  async get(merchantId: string, id: string): Promise<Broadcast> {
    const b = await this.deps.store.get(merchantId, id);
    if (!b) throw notFound('broadcast_not_found', 'No broadcast with this id');
    return b;
  }

  forCampaign(merchantId: string, campaignId: string) {
    return this.deps.store.forCampaign(merchantId, campaignId);
  }

  list(merchantId: string, limit = 20) {
    return this.deps.store.list(merchantId, limit);
  }

  /** The fan-out, run by the start job; safe to run again after a crash. */
  async start(id: string): Promise<Broadcast | null> {
    let b = await this.deps.store.getAny(id);
    if (!b || !['scheduled', 'enqueuing'].includes(b.status)) return b;
    await this.deps.store.transition(id, ['scheduled'], 'enqueuing');
    const campaign = await this.deps.store.segmentOf(b.campaignId);
    const segment = parseSegment(campaign?.segment ?? {});
    await this.deps.store.fanOut(b, segment, campaign?.holdoutPercent ?? 0, this.clock.now());
    await this.enqueuePending(b);
    await this.deps.store.transition(id, ['enqueuing'], 'sending');
    b = (await this.deps.store.getAny(id))!;
    await this.finishIfDone(id);
    return this.deps.store.getAny(id);
  }

  private async enqueuePending(b: Broadcast) {
    for (let after: string | null = null; ;) {
      const recipients = await this.deps.store.pendingMembers(b.id, after, ENQUEUE_CHUNK);
      if (!recipients.length) return;
      await this.deps.queue.enqueue(b.merchantId, b.id, recipients);
      after = recipients[recipients.length - 1]!.memberId;
    }
  }

  async pause(merchantId: string, id: string) {
    await this.get(merchantId, id);
    if (!(await this.deps.store.transition(id, ['sending', 'enqueuing', 'scheduled'], 'paused')))
      throw unprocessable('not_running', 'Only a scheduled or running broadcast can be paused');
    return this.status(merchantId, id);
  }

  async resume(merchantId: string, id: string) {
    const b = await this.get(merchantId, id);
    if (!(await this.deps.store.transition(id, ['paused'], b.startedAt ? 'sending' : 'scheduled')))
      throw unprocessable('not_paused', 'Only a paused broadcast can be resumed');
    if (b.startedAt) await this.enqueuePending(b);
    else
      await this.deps.queue.scheduleStart(
        merchantId,
        id,
        b.scheduleAt && b.scheduleAt > this.clock.now() ? b.scheduleAt : this.clock.now(),
      );
    return this.status(merchantId, id);
  }

  async cancel(merchantId: string, id: string) {
    await this.get(merchantId, id);
    if (!(await this.deps.store.transition(id, ['scheduled', 'enqueuing', 'sending', 'paused'], 'cancelled')))
      throw unprocessable('already_finished', 'The broadcast has already finished');
    await this.deps.store.cancelPending(id);
    return this.status(merchantId, id);
  }

  async status(merchantId: string, id: string) {
    const b = await this.get(merchantId, id);
    const [counts, byChannel] = await Promise.all([this.deps.store.counts(id), this.deps.store.remainingByChannel(id)]);
    const remaining = counts.pending + counts.sending;
    return { ...b, counts, remaining, etaSeconds: broadcastEtaSeconds(byChannel, this.pace) };
  }

  /** Marks a running broadcast done once nothing is pending or in flight. */
  /** A broadcast by id alone (jobs carry only the id). */
  find(id: string): Promise<Broadcast | null> {
    return this.deps.store.getAny(id);
  }

  async finishIfDone(id: string): Promise<boolean> {
    const counts = await this.deps.store.counts(id);
    if (counts.pending + counts.sending > 0) return false;
    return this.deps.store.transition(id, ['sending'], 'done');
  }

  setProgress(id: string, p: { chatId: string; messageId: number; locale: string }) {
    return this.deps.store.setProgress(id, p);
  }
}
