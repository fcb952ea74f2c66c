import type { Segment } from '../../domain/campaigns/segments.js';
import { tehranDaysOf } from '../../lib/tehran-calendar.js';

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
  if (s.channel)
    where.push(
      `EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.member_id = m.id AND ci.channel = ${p(s.channel)}::channel AND ci.unreachable_at IS NULL)`,
    );
  return { sql: where.join(' AND '), params };
}

/** Member `m` is reachable on a channel: a chat there that has not blocked us, and the club is on that channel. */
export function reachableOn(channel: 'telegram' | 'bale' | 'whatsapp'): string {
  const flag = { telegram: 'telegram_token_enc', bale: 'bale_token_enc', whatsapp: 'whatsapp_number' }[channel];
  return `(EXISTS (SELECT 1 FROM channel_identities ci WHERE ci.member_id = m.id AND ci.channel = '${channel}' AND ci.chat_id IS NOT NULL AND ci.unreachable_at IS NULL) AND (SELECT ${flag} IS NOT NULL FROM merchants WHERE id = m.merchant_id))`;
}
