import type { ChannelIdentity, ChannelName, MemberStore } from '../domain/members/types.js';
import type { EventHandler } from './event-worker.js';
import { memberOf, type DeliveredEvent } from '../domain/events/catalog.js';

/** What became of a notice on one channel: `unreachable` hands it to the member's next channel. */
export type NoticeOutcome = 'sent' | 'nothing' | 'unreachable';

/** One channel's way to tell a member about an event (Telegram sends, WhatsApp queues on the number). */
export interface NoticeChannel {
  channel: ChannelName;
  /** The club runs this channel here (a bot, a WhatsApp number). */
  ready(merchantId: string): Promise<boolean>;
  deliver(event: DeliveredEvent, identity: ChannelIdentity & { chatId: string }): Promise<NoticeOutcome>;
}

/**
 * The member's chats a notice may go to, best first: the one they wrote from last (an identity
 * never seen since counts by when it was linked, after every seen one).
 */
export function noticeOrder(identities: ChannelIdentity[]): (ChannelIdentity & { chatId: string })[] {
  const rank = (i: ChannelIdentity) => [i.lastSeenAt ? 1 : 0, (i.lastSeenAt ?? i.createdAt).getTime()] as const;
  return identities
    .filter((i): i is ChannelIdentity & { chatId: string } => !!i.chatId && !i.unreachableAt)
    .sort((a, b) => {
      const [x, y] = [rank(a), rank(b)];
      return y[0] - x[0] || y[1] - x[1];
    });
}

/**
 * Tells a member what happened to their account once: on the channel they used last, or on the
 * next one when that chat cannot be reached (blocked, gone, or the club does not run it here).
 */
export function memberNotifier(deps: {
  memberStore: MemberStore;
  channels: NoticeChannel[];
  /** When no chat took the notice (none, or every one unreachable): SMS. */
  lastResort?: { deliver(event: DeliveredEvent): Promise<NoticeOutcome> };
  name?: string;
}): EventHandler {
  return {
    name: deps.name ?? 'member-notify',
    async handle(event) {
      const memberId = memberOf(event);
      if (!memberId) return;
      for (const identity of noticeOrder(await deps.memberStore.identities(memberId))) {
        const channel = deps.channels.find((c) => c.channel === identity.channel);
        if (!channel || !(await channel.ready(event.merchantId))) continue;
        if ((await channel.deliver(event, identity)) !== 'unreachable') return;
      }
      await deps.lastResort?.deliver(event);
    },
  };
}
