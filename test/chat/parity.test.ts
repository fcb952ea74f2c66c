import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoClub } from '../../src/app/demo-club.js';
import { decodeAction } from '../../src/chat/actions.js';
import { stripIsolates } from '../../src/chat/bidi.js';
import { translator } from '../../src/chat/i18n.js';
import type { Screen } from '../../src/chat/screens/types.js';
import { inlineKeyboard } from '../../src/channels/telegram/render.js';
import { renderScreen } from '../../src/channels/whatsapp/render.js';
import { createLogger } from '../../src/logger.js';
import { MemoryChannel } from '../helpers/memory-channel.js';
import { createTestWorld, newPhone, type TestWorld } from '../helpers/services.js';

const fa = translator('fa');
const t = ((...args: Parameters<typeof fa>) => stripIsolates(fa(...args))) as typeof fa;

let w: TestWorld;
beforeAll(async () => {
  w = await createTestWorld();
});
afterAll(() => w.close());

/** The same member journey in a club of its own, as `channel`: what was shown and what the ledger holds. */
async function journey(channel: 'telegram' | 'bale' | 'whatsapp', phone: string) {
  const s = w.services;
  const merchantId = await w.newMerchant(undefined, 'HTTP Shop');
  await seedDemoClub(s, merchantId, w.clock.now());
  // One prize, so both spins win the same.
  await s.wheel.replace(merchantId, { costCoins: 0, perDay: 3, prizes: [{ label: '۲۰ سکه', kind: 'coins', amount: 20, weight: 1 }] });
  const chatId = `parity-${channel}`;
  const deps = {
    members: s.members,
    screens: s.screens,
    rewards: s.rewardChat,
    feedback: s.feedbackChat,
    referrals: s.referrals,
    campaigns: s.campaigns,
    defaultLocale: 'fa' as const,
    logger: createLogger('silent'),
    clock: w.clock,
  };
  const chat = new MemoryChannel(deps, merchantId, chatId, channel);

  // Joining and the profile are asked per messenger (a contact button and answer buttons, or a number and hint lines).
  await chat.input({ kind: 'start', payload: 's_parity' });
  await chat.input({ kind: 'contact', phone, own: true });
  for (const answer of ['سارا', 'احمدی', '۱۳۷۰/۶/۳۱', channel === 'whatsapp' ? '2' : t('profile_steps.female'), 'تهران'])
    await chat.text(answer);
  const joined = chat.transcript.length;
  const member = (await s.members.findByIdentity(merchantId, channel, chatId))!;
  await s.ledger.adjust({
    merchantId,
    memberId: member.id,
    currency: 'coins',
    amount: 500,
    reason: 'test',
    idempotencyKey: `parity-${member.id}`,
    actor: 'test',
  });

  await chat.text(t('menu.balance'));
  await chat.text(t('menu.invite'));
  await chat.text(t('menu.wheel'));
  await chat.press(t('wheel.spin'));
  await chat.text(t('menu.gifts'));
  await chat.press('۱.');
  await chat.press(t('gifts.request'));
  await chat.press(t('gifts.yes'));
  await chat.text(t('menu.vouchers'));
  await chat.press('۳۰');
  await chat.press(t('vouchers.yes'));
  await chat.text(t('menu.raffles'));
  await chat.press(t('raffles.buy', { count: '۱', title: '' }).trim().slice(0, 6));
  await chat.press(t('vouchers.yes'));
  const survey = await s.surveys.create(merchantId, {
    title: 'شعبهٔ تازه',
    questions: [
      { kind: 'choice', text: 'از کدام شعبه؟', options: ['ونک', 'تجریش'] },
      { kind: 'text', text: 'چه چیزی کم است؟' },
    ],
  });
  await chat.input({ kind: 'action', action: { kind: 'survey.start', surveyId: survey.id } });
  await chat.press('ونک');
  await chat.text('پارکینگ');
  const support = await chat.text(t('menu.support'));
  await chat.input({ kind: 'action', action: support[0]!.buttons![0]![0]!.action! });
  await chat.text('سفارشم نرسیده');
  await chat.text(t('menu.language'));
  await chat.press('English');

  const { rows: ledger } = await w.db.pool.query<{ reason: string; currency: string; amount: string }>(
    'SELECT reason, currency, amount::text FROM ledger_entries WHERE member_id = $1 ORDER BY id',
    [member.id],
  );
  const fresh = (await s.members.get(merchantId, member.id))!;
  // Codes are the member's own (member code, referral code, a bought voucher's code), a raffle's seed its own; ids are the club's.
  const masked = (text: string) =>
    [fresh.memberCode, fresh.referralCode]
      .reduce((x, code) => x.replaceAll(code, '<code>'), text)
      .replace(/\b[A-Z0-9]{8,}\b/g, '<voucher>')
      .replace(/\b[0-9a-f]{12,}/g, '<seed>');
  const after = chat.transcript.slice(joined);
  const profile = {
    firstName: fresh.firstName,
    lastName: fresh.lastName,
    birthDate: fresh.birthDate,
    gender: fresh.gender,
    city: fresh.city,
    sourceTag: fresh.sourceTag,
    status: fresh.status,
  };
  return {
    ledger,
    profile,
    screens: after,
    shown: after.map((x) => ({
      text: masked(x.text),
      role: x.role,
      buttons: x.buttons?.map((row) => row.map((b) => b.action?.kind ?? 'link')),
    })),
  };
}

/** What each channel's renderer makes of a screen's buttons: the action kinds a press or a number sends back. */
function renderedKinds(screen: Screen) {
  const telegram = inlineKeyboard(screen.buttons ?? [])
    .inline_keyboard.flat()
    .flatMap((b) => ('callback_data' in b ? [decodeAction(b.callback_data!)?.kind] : []));
  const whatsapp = (renderScreen(screen, translator('fa'), 'fa').options ?? []).map((o) => decodeAction(o)?.kind);
  return { telegram, whatsapp };
}

describe('one router for every messenger: the same journey on Telegram, Bale and WhatsApp', () => {
  it('join, profile, balance, invite, wheel, gift request, voucher, raffle ticket, survey, ticket, language: same ledger, same screens, rendered per channel', async () => {
    const phone = newPhone();
    const telegram = await journey('telegram', phone);
    const whatsapp = await journey('whatsapp', phone);
    const bale = await journey('bale', phone);

    expect(telegram.profile).toEqual(whatsapp.profile);
    expect(telegram.profile).toMatchObject({ firstName: 'سارا', gender: 'female', city: 'تهران', sourceTag: 'parity', status: 'active' });
    expect(telegram.ledger).toEqual(whatsapp.ledger);
    expect(telegram.ledger.map((l) => l.reason)).toEqual(expect.arrayContaining(['wheel', 'gift', 'voucher', 'raffle']));
    expect(telegram.shown).toEqual(whatsapp.shown);
    // Bale is a Bot-API messenger like Telegram: the same flows and screens (test/bale/bale-parity runs it through the bot).
    expect(bale.ledger).toEqual(telegram.ledger);
    expect(bale.profile).toEqual(telegram.profile);
    expect(bale.shown).toEqual(telegram.shown);
    expect(telegram.shown.map((x) => x.text)).not.toContain(t('error'));
    for (const screen of telegram.screens.filter((x) => x.role !== 'menu' && x.role !== 'note')) {
      const { telegram: tg, whatsapp: wa } = renderedKinds(screen);
      expect(tg.filter((k) => k !== 'none')).toEqual(wa);
    }
  });
});
