import { CHANNELS, type ChannelIdentity, type ChannelName } from './types.js';

/** What deciding where to reach a member needs to know about them. */
export interface ReachableMember {
  identities: Pick<ChannelIdentity, 'channel' | 'chatId' | 'unreachableAt' | 'lastSeenAt' | 'createdAt'>[];
  /** E.164; the address for SMS. */
  phone: string | null;
  /** Chosen in the profile; null: the chat used last. */
  preferredChannel: ChannelName | null;
  /** The member stopped SMS (the operator's opt-out keyword). */
  smsOptedOut?: boolean;
}

/** The member's chat identity a channel's message goes to: the one they wrote from last there. */
export function identityOn<I extends ReachableMember['identities'][number]>(identities: I[], channel: ChannelName): I | undefined {
  return identities.filter((i) => i.channel === channel && i.chatId && !i.unreachableAt).sort(byRecency)[0];
}

/** An identity never written from since it was linked counts by when it was linked, after every seen one. */
const recency = (i: { lastSeenAt: Date | null; createdAt: Date }) => (i.lastSeenAt ? 1e15 : 0) + (i.lastSeenAt ?? i.createdAt).getTime();
/** Most recent first; a tie (the same millisecond) goes by the fallback order, as in SQL. */
const byRecency = (a: Identity, b: Identity) => recency(b) - recency(a) || CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel);
type Identity = ReachableMember['identities'][number];

/** The chat the member used last (reachable or not); null when they have none. */
export function lastUsedChannel(identities: ReachableMember['identities']): ChannelName | null {
  const chats = identities.filter((i) => i.channel !== 'sms' && i.chatId);
  chats.sort(byRecency);
  return chats[0]?.channel ?? null;
}

/** The member can get a message on this channel: a chat there that has not blocked the club, or a phone for SMS. */
export function reachableOn(m: ReachableMember, channel: ChannelName): boolean {
  if (channel === 'sms') return !!m.phone && !m.smsOptedOut && !m.identities.some((i) => i.channel === 'sms' && i.unreachableAt);
  return identityOn(m.identities, channel) !== undefined;
}

/**
 * Where to reach a member, best first: the preferred channel (or, with none chosen, the chat
 * used last), then the fallback order Telegram, Bale, WhatsApp, SMS. Channels the member cannot
 * be reached on (blocked, left, never joined there) and channels the club has no sender for
 * (`senders`) are left out. A message goes to the first and falls to the next only when that
 * one turns out unreachable, so the member gets it once.
 */
export function channelsToTry(m: ReachableMember, senders: readonly ChannelName[]): ChannelName[] {
  const first = m.preferredChannel ?? lastUsedChannel(m.identities);
  const order = first ? [first, ...CHANNELS.filter((c) => c !== first)] : [...CHANNELS];
  return order.filter((c) => senders.includes(c) && reachableOn(m, c));
}

/** The channels a member may pick as preferred in the profile: those they have a chat on (or SMS with a phone) that the club runs. */
export function choosableChannels(m: ReachableMember, senders: readonly ChannelName[]): ChannelName[] {
  return CHANNELS.filter((c) => senders.includes(c) && (c === 'sms' ? !!m.phone : m.identities.some((i) => i.channel === c && i.chatId)));
}
