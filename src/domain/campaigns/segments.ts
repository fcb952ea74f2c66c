import type { ChannelName } from '../members/types.js';
import { z } from 'zod';
import { dayOrMoment } from '../dates.js';
import { parseInput } from '../validation.js';

const list = z.array(z.string().min(1).max(64)).min(1).max(50);
const amount = z.number().int().min(0).max(1e15);

/**
 * Who a campaign is for, as data. Every condition given must hold; lists match any of their
 * values. Members who opted out, and members not yet joined, are never in a segment.
 */
export const segmentSchema = z
  .object({
    tiers: list.optional(),
    /** Member groups (tags): any of them. */
    tags: list.optional(),
    sourceTags: list.optional(),
    joinedFrom: dayOrMoment('start').optional(),
    joinedTo: dayOrMoment('end').optional(),
    /** Win-back: last purchase before this moment (members who never bought are not included). */
    lastPurchaseBefore: dayOrMoment('start').optional(),
    lastPurchaseAfter: dayOrMoment('end').optional(),
    /** Win-back in days: bought before, but nothing in the last N days. */
    inactiveDays: z.number().int().min(1).max(3650).optional(),
    minSpend: amount.optional(),
    maxSpend: amount.optional(),
    minPoints: amount.optional(),
    maxPoints: amount.optional(),
    /** Birthday (Jalali) in this Iranian week (Saturday–Friday) or Jalali month. */
    birthday: z.enum(['week', 'month']).optional(),
    /**
     * Reachable on this channel; `sms`: by SMS to every member of the segment (not opted out of SMS),
     * `chat_or_sms`: on their chat, else by SMS.
     */
    channel: z.enum(['telegram', 'bale', 'whatsapp', 'sms', 'chat_or_sms']).optional(),
  })
  .strict();

export type Segment = z.output<typeof segmentSchema>;
/** What is stored and sent over the wire: dates as ISO strings. */
export type SegmentInput = z.input<typeof segmentSchema>;

export function parseSegment(input: unknown): Segment {
  return parseInput(segmentSchema, input ?? {}, 'invalid_segment', 'segment');
}

/** The stored form of a segment (dates as ISO), parsed back with `parseSegment`. */
export function segmentToJson(s: Segment): Record<string, unknown> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

/** A segment's size: who is in it, who is reachable where, and where a broadcast to it would go. */
export interface SegmentCount {
  members: number;
  /** Reachable in Telegram (whether or not a broadcast goes there). */
  telegram: number;
  /** Reachable in Bale. */
  bale: number;
  /** Reachable in WhatsApp. */
  whatsapp: number;
  /** Whom a broadcast reaches: members with a channel among `channels` the club sends on. */
  reachable: number;
  /** Where a broadcast to them goes, one channel per member (the same choice as the fan-out). */
  byChannel: Partial<Record<ChannelName, number>>;
}

export interface SegmentCounter {
  count(merchantId: string, segment: Segment, at: Date, channels: readonly ChannelName[]): Promise<SegmentCount>;
}
