import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoClub } from '../../src/app/demo-club.js';
import { stripIsolates } from '../../src/chat/bidi.js';
import { translator } from '../../src/chat/i18n.js';
import type { ChatMessage } from '../../src/channels/telegram/local/local-bot-api.js';
import { newPhone } from '../helpers/services.js';
import { createTelegramHarness, shown, type TelegramHarness, type TgUser } from '../helpers/telegram.js';

const fa = translator('fa');
const t = ((...args: Parameters<typeof fa>) => stripIsolates(fa(...args))) as typeof fa;

let harnesses: TelegramHarness[] = [];
beforeAll(async () => {
  harnesses = [
    await createTelegramHarness({ clubName: 'HTTP Shop' }),
    await createTelegramHarness({ clubName: 'HTTP Shop', channel: 'bale' }),
  ];
});
afterAll(async () => {
  for (const h of harnesses) await h.close();
});

/** Sends or presses, then waits until the bot has handled it; what the bot said or edited meanwhile. */
async function step(u: TgUser, act: () => unknown): Promise<ChatMessage[]> {
  const before = new Map(u.botMessages().map((m) => [m.message_id, JSON.stringify(m)]));
  act();
  // The bot answers a chat's updates in order: once a later no-op press is answered, this one was.
  await u.handled();
  return u.botMessages().filter((m) => before.get(m.message_id) !== JSON.stringify(m));
}

const say = (h: TelegramHarness, u: TgUser, text: string) => step(u, () => h.api.sendText(h.token, u.user, text));

/** Presses the newest inline button whose label holds `label`. */
function press(h: TelegramHarness, u: TgUser, label: string) {
  for (const m of [...u.botMessages()].reverse()) {
    const b = (m.reply_markup?.inline_keyboard ?? []).flat().find((x) => 'callback_data' in x && x.text.includes(label));
    if (b && 'callback_data' in b) return step(u, () => h.api.pressButton(h.token, u.user, m.message_id, b.callback_data));
  }
  throw new Error(`no button "${label}"`);
}

/** The parity journey of the chat core, driven through the bot and its Bot API stand-in. */
async function journey(h: TelegramHarness, phone: string) {
  const s = h.w.services;
  await seedDemoClub(s, h.merchantId, h.w.clock.now());
  await s.wheel.replace(h.merchantId, { costCoins: 0, perDay: 3, prizes: [{ label: '۲۰ سکه', kind: 'coins', amount: 20, weight: 1 }] });
  const u = h.user(8100, 'Sara');
  await u.send('/start s_parity');
  await u.shareContact(phone, u.user.id, 2);
  for (const answer of ['سارا', 'احمدی', '۱۳۷۰/۶/۳۱', t('profile_steps.female')]) await u.send(answer);
  await u.send('تهران', 2);
  const member = (await s.members.findByIdentity(h.merchantId, h.channel.name, String(u.user.id)))!;
  await s.ledger.adjust({
    merchantId: h.merchantId,
    memberId: member.id,
    currency: 'coins',
    amount: 500,
    reason: 'test',
    idempotencyKey: `parity-${member.id}`,
    actor: 'test',
  });
  const said: ChatMessage[][] = [];
  for (const item of ['menu.balance', 'menu.invite', 'menu.wheel'] as const) said.push(await say(h, u, t(item)));
  said.push(await press(h, u, t('wheel.spin')));
  said.push(await say(h, u, t('menu.gifts')));
  for (const label of ['۱.', t('gifts.request'), t('gifts.yes')]) said.push(await press(h, u, label));
  said.push(await say(h, u, t('menu.vouchers')));
  for (const label of ['۳۰', t('vouchers.yes')]) said.push(await press(h, u, label));
  said.push(await say(h, u, t('menu.raffles')));
  for (const label of [t('raffles.buy', { count: '۱', title: '' }).trim().slice(0, 6), t('vouchers.yes')])
    said.push(await press(h, u, label));
  said.push(await say(h, u, t('menu.support')));
  said.push(await press(h, u, (u.botMessages().at(-1)!.reply_markup!.inline_keyboard[0]![0]! as { text: string }).text));
  said.push(await say(h, u, 'سفارشم نرسیده'));
  said.push(await say(h, u, t('menu.language')));
  said.push(await press(h, u, 'English'));

  const { rows: ledger } = await h.w.db.pool.query<{ reason: string; currency: string; amount: string }>(
    'SELECT reason, currency, amount::text FROM ledger_entries WHERE member_id = $1 ORDER BY id',
    [member.id],
  );
  const fresh = (await s.members.get(h.merchantId, member.id))!;
  const masked = (text: string) =>
    [fresh.memberCode, fresh.referralCode]
      .reduce((x, code) => x.replaceAll(code, '<code>'), text)
      .replace(/https:\/\/(t\.me|ble\.ir)\/[A-Za-z0-9_]+\?start=\S+/g, '<link>')
      .replace(/\b[A-Z0-9]{8,}\b/g, '<voucher>')
      .replace(/\b[0-9a-f]{12,}/g, '<seed>');
  const links = said.flat().flatMap((m) => (m.text ?? '').match(/https:\/\/[^\s/]+\//g) ?? []);
  return {
    ledger,
    profile: { firstName: fresh.firstName, gender: fresh.gender, city: fresh.city, sourceTag: fresh.sourceTag, status: fresh.status },
    links,
    shown: said.map((messages) =>
      messages.map(shown).map((m) => ({
        text: masked(m.text ?? m.caption ?? ''),
        photo: Boolean(m.photo),
        buttons: (m.reply_markup?.inline_keyboard ?? []).map((row) => row.map((b) => ('url' in b ? 'link' : b.text))),
      })),
    ),
  };
}

describe('the parity journey on Bale, through the bot at a Bale-shaped Bot API root', () => {
  it('join, profile, balance, invite, wheel, gift request, voucher, raffle ticket, ticket, language: the same as on Telegram', async () => {
    const phone = newPhone();
    const [telegram, bale] = [await journey(harnesses[0]!, phone), await journey(harnesses[1]!, phone)];
    expect(bale.profile).toEqual(telegram.profile);
    expect(bale.profile).toMatchObject({ firstName: 'سارا', gender: 'female', city: 'تهران', sourceTag: 'parity', status: 'active' });
    expect(bale.ledger).toEqual(telegram.ledger);
    expect(bale.ledger.map((l) => l.reason)).toEqual(expect.arrayContaining(['wheel', 'gift', 'voucher', 'raffle']));
    expect(bale.shown).toEqual(telegram.shown);
    expect(bale.shown.every((answer) => answer.length > 0)).toBe(true);
    expect(bale.shown.flat().map((m) => m.text)).not.toContain(t('error'));
    expect(telegram.links).toContain('https://t.me/');
    expect(bale.links).toContain('https://ble.ir/');
    expect(bale.links).not.toContain('https://t.me/');
  });
});
