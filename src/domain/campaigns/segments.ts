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
    /** Reachable on this channel. */
    channel: z.enum(['telegram', 'whatsapp']).optional(),
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

export interface SegmentCounter {
  count(
    merchantId: string,
    segment: Segment,
    at: Date,
  ): Promise<{ members: number; telegram: number; bale: number; whatsapp: number; reachable: number }>;
}
