import { describe, expect, it } from 'vitest';
import { channelsToTry, choosableChannels, identityOn, lastUsedChannel, type ReachableMember } from '../../src/domain/members/reach.js';
import { CHANNELS, type ChannelName } from '../../src/domain/members/types.js';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 10, minute));
type Id = ReachableMember['identities'][number] & { externalUserId?: string };
const chat = (channel: ChannelName, o: { seen?: number; linked?: number; blocked?: boolean; chatId?: string | null } = {}): Id => ({
  channel,
  chatId: o.chatId === undefined ? `${channel}-chat` : o.chatId,
  unreachableAt: o.blocked ? at(59) : null,
  lastSeenAt: o.seen === undefined ? null : at(o.seen),
  createdAt: at(o.linked ?? 0),
});
const member = (identities: Id[], preferredChannel: ChannelName | null = null, phone: string | null = '+989121234567') => ({
  identities,
  phone,
  preferredChannel,
});
const ALL = CHANNELS;

describe('channelsToTry: where a message goes, best first', () => {
  it('with no preference, the chat used last comes first, then Telegram, Bale, WhatsApp, SMS', () => {
    const m = member([chat('telegram', { seen: 1 }), chat('bale', { seen: 5 }), chat('whatsapp', { seen: 3 })]);
    expect(channelsToTry(m, ALL)).toEqual(['bale', 'telegram', 'whatsapp', 'sms']);
  });

  it('the preferred channel comes first even when another chat was used later', () => {
    const m = member([chat('telegram', { seen: 9 }), chat('whatsapp', { seen: 1 })], 'whatsapp');
    expect(channelsToTry(m, ALL)).toEqual(['whatsapp', 'telegram', 'sms']);
  });

  it('a preferred SMS puts SMS first', () => {
    expect(channelsToTry(member([chat('telegram', { seen: 9 })], 'sms'), ALL)).toEqual(['sms', 'telegram']);
  });

  it('a preferred channel the member cannot be reached on falls to the list order, not to the chat used last', () => {
    const m = member([chat('telegram', { seen: 1 }), chat('bale', { seen: 2, blocked: true }), chat('whatsapp', { seen: 9 })], 'bale');
    expect(channelsToTry(m, ALL)).toEqual(['telegram', 'whatsapp', 'sms']);
  });

  it('a preferred channel the member has no chat on is skipped', () => {
    expect(channelsToTry(member([chat('whatsapp', { seen: 1 })], 'telegram'), ALL)).toEqual(['whatsapp', 'sms']);
  });

  it('when the chat used last is unreachable, the list order decides', () => {
    const m = member([chat('whatsapp', { seen: 1 }), chat('bale', { seen: 3 }), chat('telegram', { seen: 9, blocked: true })]);
    expect(channelsToTry(m, ALL)).toEqual(['bale', 'whatsapp', 'sms']);
  });

  it('a chat never written from counts by when it was linked, after every chat written from', () => {
    const m = member([chat('whatsapp', { seen: 1 }), chat('telegram', { linked: 30 })]);
    expect(channelsToTry(m, ALL)[0]).toBe('whatsapp');
    const never = member([chat('whatsapp', { linked: 1 }), chat('bale', { linked: 30 })]);
    expect(channelsToTry(never, ALL)[0]).toBe('bale');
  });

  it('two chats linked in the same millisecond and never written from: the fallback order breaks the tie', () => {
    expect(channelsToTry(member([chat('whatsapp', { linked: 5 }), chat('telegram', { linked: 5 })]), ALL)[0]).toBe('telegram');
    expect(lastUsedChannel([chat('whatsapp', { seen: 5 }), chat('bale', { seen: 5 })])).toBe('bale');
  });

  it('channels the club has no sender for are left out, whatever the preference', () => {
    const m = member([chat('telegram', { seen: 1 }), chat('bale', { seen: 9 }), chat('whatsapp')], 'bale');
    expect(channelsToTry(m, ['telegram', 'whatsapp'])).toEqual(['telegram', 'whatsapp']);
    expect(channelsToTry(m, ['whatsapp', 'sms'])).toEqual(['whatsapp', 'sms']);
    expect(channelsToTry(m, [])).toEqual([]);
  });

  it('SMS needs a phone and is left out once the member opted out of it', () => {
    expect(channelsToTry(member([chat('telegram')], null, null), ALL)).toEqual(['telegram']);
    const optedOut = member([chat('telegram'), { ...chat('sms', { blocked: true }), chatId: null }]);
    expect(channelsToTry(optedOut, ALL)).toEqual(['telegram']);
    expect(channelsToTry({ ...member([chat('telegram')]), smsOptedOut: true }, ALL)).toEqual(['telegram']);
  });

  it('an identity without a chat (joined elsewhere, never opened this one) is not a way to reach', () => {
    expect(channelsToTry(member([chat('telegram', { chatId: null, seen: 9 }), chat('bale', { seen: 1 })]), ALL)).toEqual(['bale', 'sms']);
  });

  it('a member blocked everywhere is left with SMS only, or nothing without an SMS sender', () => {
    const m = member([chat('telegram', { blocked: true }), chat('whatsapp', { blocked: true })]);
    expect(channelsToTry(m, ALL)).toEqual(['sms']);
    expect(channelsToTry(m, ['telegram', 'whatsapp'])).toEqual([]);
  });

  it('each channel appears once', () => {
    const m = member(
      [chat('telegram', { seen: 1 }), chat('telegram', { seen: 2, chatId: 'other' }), chat('bale', { seen: 3 })],
      'telegram',
    );
    expect(channelsToTry(m, ALL)).toEqual(['telegram', 'bale', 'sms']);
  });
});

describe('identityOn and lastUsedChannel', () => {
  it('picks the reachable chat on a channel the member wrote from last', () => {
    const ids = [
      { ...chat('telegram', { seen: 1, chatId: 'old' }) },
      { ...chat('telegram', { seen: 5, chatId: 'new' }) },
      { ...chat('telegram', { seen: 9, chatId: 'gone', blocked: true }) },
    ];
    expect(identityOn(ids, 'telegram')?.chatId).toBe('new');
    expect(identityOn(ids, 'bale')).toBeUndefined();
  });

  it('the chat used last may be unreachable; a member without chats has none', () => {
    expect(lastUsedChannel([chat('telegram', { seen: 1 }), chat('whatsapp', { seen: 4, blocked: true })])).toBe('whatsapp');
    expect(lastUsedChannel([])).toBeNull();
  });
});

describe('choosableChannels: what the profile offers', () => {
  it('the chats the member has on channels the club runs, in list order, and SMS with a phone and an SMS sender', () => {
    const m = member([chat('whatsapp', { seen: 1 }), chat('telegram', { seen: 2, blocked: true }), chat('bale')]);
    expect(choosableChannels(m, ALL)).toEqual(['telegram', 'bale', 'whatsapp', 'sms']);
    expect(choosableChannels(m, ['telegram', 'whatsapp'])).toEqual(['telegram', 'whatsapp']);
    expect(choosableChannels(member([chat('telegram')], null, null), ALL)).toEqual(['telegram']);
  });
});
