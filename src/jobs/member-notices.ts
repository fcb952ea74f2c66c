import type { ChannelIdentity, ChannelName, MemberStore } from '../domain/members/types.js';
import { channelsToTry, identityOn } from '../domain/members/reach.js';
import type { EventHandler } from './event-worker.js';
import { memberOf, type DeliveredEvent } from '../domain/events/catalog.js';

/**
 * What became of a notice on one channel:
 * - `sent`: done (a queued send counts);
 * - `nothing`: this event tells the member nothing, on any channel (no other channel is tried);
 * - `unreachable`: the member blocked the bot or left; the identity is marked unreachable and the
 *   next channel is tried (later messages skip this one until the member writes there again);
 * - `failed`: this channel could not take it (chat not found, provider refused, or a message it
 *   cannot carry, such as a survey by SMS); the next channel is tried and nothing is marked.
 * A transient error (network, 5xx) is thrown instead: the event job retries the routing.
 */
export type NoticeOutcome = 'sent' | 'nothing' | 'unreachable' | 'failed';

/** Whom a notice is for, on one channel. */
export interface NoticeRecipient {
  memberId: string;
  /** E.164; the address on SMS. */
  phone: string;
  /** The member's chat on this channel (null on SMS). */
  identity: (ChannelIdentity & { chatId: string }) | null;
}

/**
 * One channel's way to tell a member about an event. Each channel renders the event itself
 * (Telegram and Bale send the notification screen, WhatsApp queues it on the club number, SMS
 * sends its text). Register one per ChannelName in a NoticeRegistry; the routing is shared.
 */
export interface NoticeChannel {
  readonly name: ChannelName;
  /** The club has a sender here (a bot, a WhatsApp number, an SMS line). */
  ready(merchantId: string): Promise<boolean>;
  send(event: DeliveredEvent, to: NoticeRecipient): Promise<NoticeOutcome>;
}

/** The notice channels a process runs, by name; any subset of ChannelName. */
export class NoticeRegistry {
  private readonly byName = new Map<ChannelName, NoticeChannel>();

  constructor(channels: NoticeChannel[] = []) {
    for (const c of channels) this.register(c);
  }

  register(channel: NoticeChannel): this {
    if (this.byName.has(channel.name)) throw new Error(`notice channel ${channel.name} registered twice`);
    this.byName.set(channel.name, channel);
    return this;
  }

  get(name: ChannelName): NoticeChannel | undefined {
    return this.byName.get(name);
  }

  /** The channels this club can be told on here. */
  async senders(merchantId: string): Promise<ChannelName[]> {
    const ready = await Promise.all([...this.byName.values()].map(async (c) => ((await c.ready(merchantId)) ? c.name : null)));
    return ready.filter((c): c is ChannelName => c !== null);
  }
}

/**
 * Tells a member what happened to their account once: on their preferred channel (or the chat
 * they used last), falling down Telegram, Bale, WhatsApp, SMS while a channel turns out
 * unreachable. Each channel decides what it carries: SMS, for one, tells a phone that never
 * joined a chat only what its purchase earned.
 */
export function memberNotifier(deps: { memberStore: MemberStore; registry: NoticeRegistry; name?: string }): EventHandler {
  return {
    name: deps.name ?? 'member-notify',
    async handle(event) {
      const memberId = memberOf(event);
      if (!memberId) return;
      const [member, identities] = await Promise.all([
        deps.memberStore.findById(event.merchantId, memberId),
        deps.memberStore.identities(memberId),
      ]);
      if (!member) return;
      const senders = await deps.registry.senders(event.merchantId);
      for (const name of channelsToTry({ identities, phone: member.phone, preferredChannel: member.preferredChannel }, senders)) {
        const identity = name === 'sms' ? null : (identityOn(identities, name) as (ChannelIdentity & { chatId: string }) | undefined);
        if (identity === undefined) continue;
        const outcome = await deps.registry.get(name)!.send(event, { memberId, phone: member.phone, identity });
        if (outcome === 'sent' || outcome === 'nothing') return;
        if (outcome === 'unreachable' && identity)
          await deps.memberStore.markUnreachable(event.merchantId, name, identity.externalUserId, true);
      }
    },
  };
}
