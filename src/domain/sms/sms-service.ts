import { tehranDay } from '../../lib/jalali.js';
import type { Clock } from '../clock.js';
import { parseSegment, type Segment } from '../campaigns/segments.js';
import { normalizePhone } from '../members/phone.js';
import { nextMorning, smsSendableAt } from './quiet-hours.js';
import { SmsSendError, type SmsSender } from './sms-sender.js';
import { isOptOutReply, plainSmsText, smsCost, smsParts, withOptOut } from './sms-text.js';

export type SmsKind = 'join_invite' | 'notice' | 'broadcast';
export type SmsState = 'pending' | 'sending' | 'sent' | 'delivered' | 'failed' | 'unknown' | 'skipped';

export interface NewSms {
  merchantId: string;
  memberId: string | null;
  phone: string;
  kind: SmsKind;
  /** Unique per merchant: a second add with the same key adds nothing (and sends nothing). */
  key: string;
  text: string;
  parts: number;
  costRials: number;
  promotional: boolean;
  broadcastId: string | null;
}

export interface SmsRow extends NewSms {
  id: string;
  state: SmsState;
  attempts: number;
  /** The member answered the opt-out keyword (promotional SMS are skipped). */
  optedOut: boolean;
}

export interface SmsStore {
  add(sms: NewSms, at: Date): Promise<{ id: string; created: boolean }>;
  get(id: string): Promise<SmsRow | null>;
  /**
   * pending → sending, counted on the merchant's Tehran `day`, unless `cap` SMS already went that
   * day (under a per-merchant lock, so the cap holds with many workers).
   */
  claim(id: string, day: string, cap: number, provider: string, at: Date): Promise<'claimed' | 'capped' | 'taken'>;
  settle(id: string, state: SmsState, fields: { providerMessageId?: string; error?: string; at: Date }): Promise<void>;
  /** Sent SMS still waiting for a delivery report (sent since `since`). */
  awaitingReports(provider: string, since: Date, limit: number): Promise<{ id: string; providerMessageId: string }[]>;
  report(provider: string, providerMessageId: string, state: 'delivered' | 'failed', detail: string, at: Date): Promise<void>;
  /** How many members of the segment a broadcast would text (segment.channel sms or chat_or_sms). */
  countRecipients(merchantId: string, segment: Segment, at: Date): Promise<number>;
  /** Rows still pending that were queued before `before` (their job may be lost). */
  stalePending(before: Date, limit: number): Promise<string[]>;
  /** Records an opt-out from `phone` for every club that texted it; how many members. */
  optOut(phone: string): Promise<number>;
}

export interface SmsQueue {
  /** Runs the send of SMS `id` at `at` (or at once); the same id twice queues one job. */
  enqueue(id: string, at: Date): Promise<void>;
}

export interface SmsSettings {
  pricePerPartRials: number;
  dailyCap: number;
  optOutKeyword: string;
}

export type SmsStep = { done: string } | { waitUntil: Date; reason: 'quiet_hours' | 'daily_cap' };

/**
 * SMS: a row per message (its unique key makes a retried event or job queue nothing twice), a
 * job per row, and the rules an SMS line lives by: promotional SMS (broadcasts, join invitations)
 * carry the opt-out keyword and skip members who opted out; broadcasts never go between 22:00 and
 * 08:00 Tehran time (a purchase's SMS answers something the person just did, so it goes at once);
 * every SMS counts against the merchant's daily cap (past it, the rest wait for the next morning).
 */
export class SmsService {
  constructor(private readonly deps: SmsSettings & { store: SmsStore; queue: SmsQueue; clock: Clock; sender?: SmsSender }) {}

  /** A provider is configured (SMS_PROVIDER is not none). */
  get enabled(): boolean {
    return !!this.deps.sender;
  }

  get settings(): SmsSettings {
    return { pricePerPartRials: this.deps.pricePerPartRials, dailyCap: this.deps.dailyCap, optOutKeyword: this.deps.optOutKeyword };
  }

  /** The text as it goes out: no direction isolates, and promotional SMS end with the opt-out keyword. */
  finalText(text: string, promotional: boolean): string {
    const plain = plainSmsText(text);
    return promotional ? withOptOut(plain, this.deps.optOutKeyword) : plain;
  }

  /** What a promotional SMS of `text` to `recipients` people costs (parts × recipients × price per part). */
  estimate(text: string, recipients: number) {
    return smsCost(this.finalText(text, true), recipients, this.deps.pricePerPartRials);
  }

  /**
   * The cost shown before a broadcast: how many members of the segment it would text (none unless
   * segment.channel is sms or chat_or_sms), the parts of the text with the opt-out keyword, and
   * parts × recipients × price per part in Rials.
   */
  async estimateBroadcast(merchantId: string, segmentInput: unknown, text: string) {
    const recipients = await this.deps.store.countRecipients(merchantId, parseSegment(segmentInput), this.deps.clock.now());
    return { ...this.estimate(text, recipients), text: this.finalText(text, true), dailyCap: this.deps.dailyCap };
  }

  /** Queues one SMS; its id, or null when SMS is off. The same key again queues nothing. */
  async send(input: Omit<NewSms, 'parts' | 'costRials' | 'broadcastId'> & { broadcastId?: string | null }): Promise<string | null> {
    if (!this.deps.sender) return null;
    const text = this.finalText(input.text, input.promotional);
    const { parts } = smsParts(text);
    const now = this.deps.clock.now();
    const { id, created } = await this.deps.store.add(
      {
        ...input,
        text,
        parts,
        costRials: parts * this.deps.pricePerPartRials,
        broadcastId: input.broadcastId ?? null,
      },
      now,
    );
    if (created) {
      await this.deps.queue.enqueue(id, input.kind === 'broadcast' ? smsSendableAt(now) : now);
    }
    return id;
  }

  /**
   * One attempt at SMS `id` (the job's step). The row goes pending → sending just before the
   * provider call and to its final state after; a row found `sending` belongs to a worker that
   * died in the call, so it becomes `unknown` and is never sent again. A temporary provider error
   * puts it back to pending and throws (the job retries with backoff); on the last attempt, or
   * for an error that retrying cannot fix, it ends `failed`.
   */
  async deliver(id: string, attempt: { last: boolean }): Promise<SmsStep> {
    const sender = this.deps.sender;
    const row = await this.deps.store.get(id);
    if (!row) return { done: 'gone' };
    const now = this.deps.clock.now();
    if (row.state === 'sending') {
      await this.deps.store.settle(id, 'unknown', { error: 'worker stopped during the send', at: now });
      return { done: 'unknown' };
    }
    if (row.state !== 'pending') return { done: row.state };
    if (!sender) throw new SmsSendError('SMS is off (SMS_PROVIDER=none)', 'retry');
    if (row.promotional && row.optedOut) {
      await this.deps.store.settle(id, 'skipped', { error: 'opted out of SMS', at: now });
      return { done: 'skipped' };
    }
    if (row.kind === 'broadcast') {
      const at = smsSendableAt(now);
      if (at > now) return { waitUntil: at, reason: 'quiet_hours' };
    }
    const claim = await this.deps.store.claim(id, tehranDay(now), this.deps.dailyCap, sender.name, now);
    if (claim === 'capped') return { waitUntil: nextMorning(now), reason: 'daily_cap' };
    if (claim === 'taken') return { done: 'taken' };
    try {
      const { providerMessageId } = await sender.send({ id, phone: row.phone, text: row.text });
      await this.deps.store.settle(id, 'sent', { providerMessageId, at: this.deps.clock.now() });
      return { done: 'sent' };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const final = (err instanceof SmsSendError && err.kind === 'failed') || attempt.last;
      await this.deps.store.settle(id, final ? 'failed' : 'pending', { error, at: this.deps.clock.now() });
      if (final) return { done: 'failed' };
      throw err;
    }
  }

  /**
   * A safety net for jobs lost from Redis: queues every row pending for over five minutes again.
   * A row whose job is still waiting (a retry, the quiet hours, tomorrow's cap) keeps that job:
   * the queue adds nothing for a job id it holds.
   */
  async requeueStale(limit = 1000): Promise<number> {
    if (!this.deps.sender) return 0;
    const now = this.deps.clock.now();
    const ids = await this.deps.store.stalePending(new Date(now.getTime() - 5 * 60_000), limit);
    for (const id of ids) await this.deps.queue.enqueue(id, now);
    return ids.length;
  }

  /** Asks the provider what became of SMS sent in the last two days; how many reports changed a row. */
  async pollReports(limit = 500): Promise<number> {
    const sender = this.deps.sender;
    if (!sender) return 0;
    const now = this.deps.clock.now();
    const waiting = await this.deps.store.awaitingReports(sender.name, new Date(now.getTime() - 2 * 86_400_000), limit);
    if (!waiting.length) return 0;
    let changed = 0;
    for (const r of await sender.reports(waiting.map((w) => w.providerMessageId))) {
      if (r.outcome === 'pending') continue;
      await this.deps.store.report(sender.name, r.providerMessageId, r.outcome, r.detail, now);
      changed++;
    }
    return changed;
  }

  /** Reads what people sent to the line; an opt-out keyword stops promotional SMS to that phone. */
  async pollInbound(): Promise<number> {
    const sender = this.deps.sender;
    if (!sender) return 0;
    let optedOut = 0;
    for (const m of await sender.inbound()) optedOut += await this.receive(m.from, m.text);
    return optedOut;
  }

  /** One SMS a person sent to the line (polled, or pushed by the provider): the opt-out keyword is recorded. */
  async receive(from: string, text: string): Promise<number> {
    const phone = normalizePhone(from);
    return phone && isOptOutReply(text, this.deps.optOutKeyword) ? this.deps.store.optOut(phone) : 0;
  }
}
