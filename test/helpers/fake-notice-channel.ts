import type { DeliveredEvent } from '../../src/domain/events/catalog.js';
import type { ChannelName } from '../../src/domain/members/types.js';
import type { NoticeChannel, NoticeOutcome, NoticeRecipient } from '../../src/jobs/member-notices.js';

/**
 * An in-memory notice channel (a stand-in for Bale or SMS before their real senders): records
 * what it was given, and answers each send with `outcome(to)` (`sent` by default).
 */
export function fakeNoticeChannel(
  name: ChannelName,
  opts: { ready?: (merchantId: string) => boolean; outcome?: (to: NoticeRecipient) => NoticeOutcome } = {},
): NoticeChannel & { sent: { event: DeliveredEvent; to: NoticeRecipient }[]; tried: NoticeRecipient[] } {
  const sent: { event: DeliveredEvent; to: NoticeRecipient }[] = [];
  const tried: NoticeRecipient[] = [];
  return {
    name,
    sent,
    tried,
    ready: async (merchantId) => opts.ready?.(merchantId) ?? true,
    async send(event, to) {
      tried.push(to);
      const outcome = opts.outcome?.(to) ?? 'sent';
      if (outcome === 'sent') sent.push({ event, to });
      return outcome;
    },
  };
}
