import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripIsolates } from '../../src/chat/bidi.js';
import { translator } from '../../src/chat/i18n.js';
import type { TelegramHarness, TgUser } from '../helpers/telegram.js';
import { createTelegramAndWhatsApp, type attachWhatsApp } from '../helpers/whatsapp.js';
import { MemoryChannel, routerDeps } from '../helpers/memory-channel.js';

const fa = translator('fa');
let h: TelegramHarness;
let wa: Awaited<ReturnType<typeof attachWhatsApp>>;
let tg: TgUser;
let phone: string;
let memberId: string;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ h, wa, tg, phone, memberId, close } = await createTelegramAndWhatsApp(711));
  // The same phone writes on WhatsApp too: one member with two chats.
  await wa.local.receive(h.merchantId, phone, 'سلام');
  for (let i = 0; i < 5; i++) await wa.local.receive(h.merchantId, phone, '0');
});
afterAll(() => close());

const preferred = async () => (await h.w.services.members.get(h.merchantId, memberId)).preferredChannel;
/** The numbered lines of a WhatsApp screen: "۱. تلگرام" → "تلگرام". */
const optionsOf = (text: string) =>
  stripIsolates(text)
    .split('\n')
    .filter((l) => /^[۰-۹\d]+\. /.test(l))
    .map((l) => l.replace(/^[۰-۹\d]+\. /, ''));
const waSay = async (text: string) => (await wa.local.receive(h.merchantId, phone, text)).map((m) => stripIsolates(m.text));

describe('the member chooses where messages go, in the profile', () => {
  it('on Telegram: the profile says where, the choice offers only their chats and "the one I used last"', async () => {
    const [profile] = await tg.send('/profile');
    expect(profile!.text).toContain(fa('reach.line', { value: fa('reach.last') }));
    const { message, data } = tg.button('reach');
    expect(data).toBe('reach');
    const [choice] = await tg.press(message, data);
    expect(choice!.text).toBe(fa('reach.choose'));
    const labels = choice!.reply_markup!.inline_keyboard.flat().map((b) => [b.text, 'callback_data' in b ? b.callback_data : '']);
    expect(labels).toEqual([
      ['تلگرام', 'reach:set:telegram'],
      ['واتس‌اپ', 'reach:set:whatsapp'],
      [`✅ ${fa('reach.last')}`, 'reach:set:last'],
    ]);

    const replies = await tg.press(choice!, 'reach:set:telegram', 2);
    expect(replies[0]!.text).toBe(fa('reach.set', { value: 'تلگرام' }));
    expect(replies[1]!.text).toContain(fa('reach.line', { value: 'تلگرام' }));
    expect(await preferred()).toBe('telegram');
  });

  it('on WhatsApp: the same choice by numbers; the ticked one is the current choice', async () => {
    const menu = (await waSay('منو')).at(-1)!;
    const profileNumber = optionsOf(menu).indexOf(fa('menu.profile')) + 1;
    const profile = (await waSay(String(profileNumber))).at(-1)!;
    expect(profile).toContain(fa('reach.line', { value: 'تلگرام' }));
    const reachNumber = optionsOf(profile).indexOf(fa('reach.button')) + 1;
    expect(reachNumber).toBeGreaterThan(0);
    const choice = (await waSay(String(reachNumber))).at(-1)!;
    expect(optionsOf(choice).slice(0, 3)).toEqual(['✅ تلگرام', 'واتس‌اپ', fa('reach.last')]);

    const set = await waSay('2');
    expect(set[0]).toBe(fa('reach.set', { value: 'واتس‌اپ' }));
    expect(await preferred()).toBe('whatsapp');

    const again = (await waSay(String(reachNumber))).at(-1)!;
    expect(optionsOf(again).slice(0, 3)).toEqual(['تلگرام', '✅ واتس‌اپ', fa('reach.last')]);
    await waSay('3');
    expect(await preferred()).toBeNull();
  });

  it('in any messenger (the memory channel): a chat on Bale shows up among the choices', async () => {
    await h.w.services.members.register({ merchantId: h.merchantId, phone, channel: 'bale', externalUserId: '8711', chatId: '8711' });
    const chat = new MemoryChannel(routerDeps(h.w), h.merchantId, '711', 'telegram');
    await chat.text('/profile');
    const [choice] = await chat.press(fa('reach.button'));
    expect(choice!.buttons!.flat().map((b) => b.label)).toEqual(['تلگرام', 'بله', 'واتس‌اپ', `✅ ${fa('reach.last')}`]);
    await chat.press('بله');
    expect(await preferred()).toBe('bale');
  });
});
