import type { ChatChannelName } from '../domain/members/types.js';

/** Bot-API messengers: where a bot's start links live. */
export type BotChannel = Extract<ChatChannelName, 'telegram' | 'bale'>;

const START_HOST: Record<BotChannel, string> = { telegram: 'https://t.me', bale: 'https://ble.ir' };

/** A bot's start link with a payload (`r_<code>`, `s_<tag>`): `https://t.me/<bot>?start=…` or `https://ble.ir/<bot>?start=…`. */
export function botStartLink(channel: BotChannel, username: string, payload: string): string {
  return `${START_HOST[channel]}/${username}?start=${payload}`;
}

/** The member's invitation link on a bot channel. */
export function botInviteLink(channel: BotChannel, username: string, referralCode: string): string {
  return botStartLink(channel, username, `r_${referralCode}`);
}
