import type pg from 'pg';
import { CHANNELS, type ChannelName } from '../../domain/members/types.js';

/**
 * The merchants column that says the club has a sender on a channel (a bot token, a number, an
 * SMS line). A channel missing here has no sender anywhere; Bale and SMS add theirs.
 */
export const SENDER_COLUMNS: Partial<Record<ChannelName, string>> = {
  telegram: 'telegram_token_enc',
  bale: 'bale_token_enc',
  whatsapp: 'whatsapp_number',
};

/** SQL: the club of member `m` has a sender on this channel. */
export function clubSendsOn(channel: ChannelName, merchantIdSql = 'm.merchant_id'): string {
  const column = SENDER_COLUMNS[channel];
  return column ? `(SELECT ${column} IS NOT NULL FROM merchants WHERE id = ${merchantIdSql})` : 'false';
}

/**
 * The channels this club has a sender for, in the fallback order. The SMS line is the server's
 * (SMS_PROVIDER), not a merchant's: `smsLine` says whether it is on.
 */
export async function clubSenders(pool: pg.Pool, merchantId: string, smsLine = false): Promise<ChannelName[]> {
  const known = CHANNELS.filter((c) => SENDER_COLUMNS[c]);
  const { rows } = await pool.query(
    `SELECT ${known.map((c) => `${SENDER_COLUMNS[c]} IS NOT NULL AS ${c}`).join(', ')} FROM merchants WHERE id = $1`,
    [merchantId],
  );
  const chats = rows[0] ? known.filter((c) => rows[0][c] === true) : [];
  return smsLine ? [...chats, 'sms'] : chats;
}

/**
 * Where a broadcast to this club may go: `channels` (the segment's) narrowed to the club's
 * senders. SMS stays when the segment asks for it; the SMS broadcast path checks the line.
 */
export async function broadcastSenders(pool: pg.Pool, merchantId: string, channels: readonly ChannelName[]): Promise<ChannelName[]> {
  const senders = await clubSenders(pool, merchantId, channels.includes('sms'));
  return CHANNELS.filter((c) => channels.includes(c) && senders.includes(c));
}
