import { CHANNELS, type ChannelName } from '../../domain/members/types.js';
import { choosableChannels, type ReachableMember } from '../../domain/members/reach.js';
import type { Screen, ScreenContext } from './types.js';

/** Where the member's messages go, in a word: a channel's name, or "the chat you used last". */
export function reachLabel(preferred: ChannelName | null, c: ScreenContext): string {
  return preferred ? c.t(`reach.names.${preferred}`) : c.t('reach.last');
}

/** The profile's line about it. */
export function reachLine(preferred: ChannelName | null, c: ScreenContext): string {
  return c.t('reach.line', { value: reachLabel(preferred, c) });
}

/**
 * The choice of where messages go: each chat the member is in the club from (the chats alone:
 * SMS is where messages fall when no chat reaches them), and "the one I used last". The current
 * choice is ticked.
 */
export function reachChoiceScreen(m: ReachableMember, c: ScreenContext): Screen {
  const chats = choosableChannels(
    m,
    CHANNELS.filter((ch) => ch !== 'sms'),
  );
  const tick = (on: boolean, label: string) => (on ? `✅ ${label}` : label);
  return {
    text: c.t('reach.choose'),
    buttons: [
      ...chats.map((channel) => [
        { label: tick(m.preferredChannel === channel, c.t(`reach.names.${channel}`)), action: { kind: 'reach.set' as const, channel } },
      ]),
      [{ label: tick(m.preferredChannel === null, c.t('reach.last')), action: { kind: 'reach.set', channel: 'last' } }],
    ],
  };
}
