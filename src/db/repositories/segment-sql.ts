import type { Segment } from '../../domain/campaigns/segments.js';
import { tehranDaysOf } from '../../lib/tehran-calendar.js';
import { CHANNELS, type ChatChannelName } from '../../domain/members/types.js';
import { clubSendsOn } from './club-senders.js';

/**
 * A segment as a WHERE clause over `members m` (parameters from $2; $1 is the merchant id).
 * Only active members who have not opted out.
 */
export function segmentWhere(s: Segment, at: Date): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length + 1}`;
  };
  const where = ['m.merchant_id = $1', "m.status = 'active'", 'NOT m.opted_out'];
  if (s.tiers) where.push(`m.tier = ANY(${p(s.tiers)}::text[])`);
  if (s.tags) where.push(`m.tags && ${p(s.tags)}::text[]`);
  if (s.sourceTags) where.push(`m.source_tag = ANY(${p(s.sourceTags)}::text[])`);
  if (s.joinedFrom) where.push(`m.joined_at >= ${p(s.joinedFrom)}`);
  if (s.joinedTo) where.push(`m.joined_at <= ${p(s.joinedTo)}`);
  if (s.lastPurchaseBefore) where.push(`m.last_purchase_at < ${p(s.lastPurchaseBefore)}`);
  if (s.lastPurchaseAfter) where.push(`m.last_purchase_at > ${p(s.lastPurchaseAfter)}`);
  if (s.inactiveDays) where.push(`m.last_purchase_at < ${p(new Date(at.getTime() - s.inactiveDays * 86_400_000))}`);
  if (s.minSpend !== undefined) where.push(`m.purchase_total >= ${p(s.minSpend)}`);
  if (s.maxSpend !== undefined) where.push(`m.purchase_total <= ${p(s.maxSpend)}`);
  if (s.minPoints !== undefined) where.push(`m.points >= ${p(s.minPoints)}`);
  if (s.maxPoints !== undefined) where.push(`m.points <= ${p(s.maxPoints)}`);
  if (s.birthday) {
    // Birth dates are calendar dates: compare month and day with the days of this Jalali week or month.
    where.push(`to_char(m.birth_date, 'MM-DD') = ANY(${p(tehranDaysOf(s.birthday, at).map((d) => d.slice(5)))}::text[])`);
  }
  // By SMS: the broadcast's fan-out picks who (segment.channel), the phone is the address.
  if (s.channel && s.channel !== 'sms' && s.channel !== 'chat_or_sms')
    where.push(
      `EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.member_id = m.id AND ci.channel = ${p(s.channel)}::channel AND ci.unreachable_at IS NULL)`,
    );
  return { sql: where.join(' AND '), params };
}

/** Member `m` is reachable on a chat channel: a chat there that has not blocked us, and the club is on that channel. */
export function reachableOn(channel: ChatChannelName): string {
  return `(EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.member_id = m.id AND ci.channel = '${channel}' AND ci.chat_id IS NOT NULL AND ci.unreachable_at IS NULL) AND ${clubSendsOn(channel)})`;
}

/** A channel's place in the fallback order (ties in recency go by it, as in channelsToTry). */
const CHANNEL_ORDER = `array_position(ARRAY[${CHANNELS.map((c) => `'${c}'`).join(', ')}]::channel[], ci.channel)`;

/**
 * SQL: the channel a message to member `m` goes on (null: none), as channelsToTry picks it
 * (src/domain/members/reach.ts): the preferred channel, or the chat used last, then the list
 * order of `$channelsParam` (a channel[] in fallback order, already narrowed to the club's senders),
 * skipping channels the member cannot be reached on.
 */
export function firstChannelSql(channelsParam: string): string {
  const lastUsed = `(SELECT ci.channel FROM channel_identities ci WHERE ci.member_id = m.id AND ci.channel <> 'sms' AND ci.chat_id IS NOT NULL
      ORDER BY ci.last_seen_at IS NOT NULL DESC, coalesce(ci.last_seen_at, ci.created_at) DESC, ${CHANNEL_ORDER} LIMIT 1)`;
  const reachable = `CASE WHEN o.channel = 'sms'
      THEN m.phone IS NOT NULL AND NOT m.sms_opted_out AND NOT EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.member_id = m.id AND ci.channel = 'sms' AND ci.unreachable_at IS NOT NULL)
      ELSE EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.member_id = m.id AND ci.channel = o.channel AND ci.chat_id IS NOT NULL AND ci.unreachable_at IS NULL) END`;
  return `(SELECT o.channel FROM unnest(${channelsParam}::channel[]) WITH ORDINALITY AS o(channel, pos)
    WHERE ${reachable}
    ORDER BY (o.channel = coalesce(m.preferred_channel, ${lastUsed})) IS TRUE DESC, o.pos LIMIT 1)`;
}
