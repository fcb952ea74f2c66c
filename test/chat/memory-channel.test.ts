import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoClub } from '../../src/app/demo-club.js';
import { translator } from '../../src/chat/i18n.js';
import { stripIsolates } from '../../src/chat/bidi.js';
import { MemoryChannel, routerDeps } from '../helpers/memory-channel.js';
import { createTestWorld, ledgerSums, newPhone, storedBalances, type TestWorld } from '../helpers/services.js';

const fa = translator('fa');
const t = ((...args: Parameters<typeof fa>) => stripIsolates(fa(...args))) as typeof fa;
const en = translator('en');

let w: TestWorld;
let merchantId: string;
beforeAll(async () => {
  w = await createTestWorld();
  merchantId = await w.newMerchant(undefined, 'HTTP Shop');
  await seedDemoClub(w.services, merchantId, w.clock.now());
});
afterAll(() => w.close());

describe('a messenger is an adapter: the in-memory test channel runs the whole member journey', () => {
  it('join, profile, balance, invite, wheel, gift request, voucher, raffle ticket, survey, ticket, language', async () => {
    const s = w.services;
    const deps = routerDeps(w);
    const chat = new MemoryChannel(deps, merchantId, 'memory-1');
    const phone = newPhone();
    const texts = (screens: { text: string }[]) => screens.map((x) => x.text);

    expect(await chat.input({ kind: 'start' })).toEqual([]);
    const joined = texts(await chat.input({ kind: 'contact', phone, own: true }));
    expect(joined[0]).toContain('HTTP Shop');
    expect(joined.at(-1)).toContain(t('profile_steps.first_name'));
    for (const answer of ['سارا', 'احمدی', '۱۳۷۰/۶/۳۱', '2']) await chat.text(answer);
    const done = await chat.text('تهران');
    expect(done[0]!.text).toBe(t('profile_steps.done'));
    expect(done.at(-1)!.role).toBe('menu');
    const member = (await s.members.findByIdentity(merchantId, 'whatsapp', 'memory-1'))!;
    expect(member).toMatchObject({ firstName: 'سارا', lastName: 'احمدی', gender: 'female', city: 'تهران' });
    await s.ledger.adjust({
      merchantId,
      memberId: member.id,
      currency: 'coins',
      amount: 500,
      reason: 'test',
      idempotencyKey: `journey-${member.id}`,
      actor: 'test',
    });

    expect((await chat.text(t('menu.balance')))[0]!.text).toContain('۵۰۰');
    expect((await chat.text(t('menu.invite')))[0]!.text).toContain(`memory://join/r_${member.referralCode}`);

    await chat.text(t('menu.wheel'));
    const spun = await chat.press(t('wheel.spin'));
    expect(spun.at(-1)!.text).not.toBe(t('error'));

    await chat.text(t('menu.gifts'));
    await chat.press('۱.');
    const prompt = (await chat.press(t('gifts.request'))).at(-1)!; // asks first, spending nothing yet
    expect(prompt.buttons!.flat().map((b) => b.action?.kind)).toEqual(['gift.request', 'gift.cancel']);
    expect((await chat.press(t('gifts.yes'))).at(-1)!.text).toContain(t('gifts.requested', { title: '', cost: '' }).slice(0, 8));

    await chat.text(t('menu.vouchers'));
    await chat.press('۳۰');
    const voucher = await chat.press(t('vouchers.yes'));
    expect(voucher[0]!.text).not.toBe(t('vouchers.unavailable'));

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
    expect((await chat.input({ kind: 'action', action: { kind: 'survey.start', surveyId: survey.id } }))[0]!.text).toContain(
      'از کدام شعبه؟',
    );
    const question = texts(await chat.press('ونک'));
    expect(question[0]).toContain('چه چیزی کم است؟');
    // A phone shared instead of the typed answer: said to be known, the same question asked again.
    const shared = texts(await chat.input({ kind: 'contact', phone, own: true }));
    expect(shared).toEqual([expect.stringContaining('قبلاً در باشگاه ثبت شده است'), question[0]]);
    expect((await chat.text('پارکینگ'))[0]!.text).toBe(t('survey.done', { title: 'شعبهٔ تازه' }));

    const support = await chat.text(t('menu.support'));
    await chat.input({ kind: 'action', action: support[0]!.buttons![0]![0]!.action! });
    expect((await chat.text('سفارشم نرسیده'))[0]!.text).toContain(t('support.opened', { number: '۱' }).slice(0, 10));

    await chat.text(t('menu.language'));
    const english = texts(await chat.press('English'));
    expect(english[0]).toBe(en('language.changed'));
    expect(english.at(-1)).toContain(en('menu.title', { club: 'HTTP Shop' }));

    // Every spend went through the ledger: the entries add up to the stored balances, and each kind left its line.
    expect(await ledgerSums(w.db, member.id)).toEqual((await storedBalances(w.db, member.id)).balances);
    const { rows } = await w.db.pool.query<{ reason: string }>('SELECT DISTINCT reason FROM ledger_entries WHERE member_id = $1', [
      member.id,
    ]);
    expect(rows.map((r) => r.reason)).toEqual(expect.arrayContaining(['gift', 'voucher', 'raffle']));
    expect(chat.transcript.map((x) => x.text)).not.toContain(t('error'));
  });

  it.each(['telegram', 'whatsapp'] as const)(
    'a failure inside the router answers on %s with the friendly error and the menu',
    async (channel) => {
      const s = w.services;
      const deps = routerDeps(w);
      const chatId = `broken-${channel}`;
      await s.members.register({ merchantId, phone: newPhone(), channel, externalUserId: chatId, chatId });
      const chat = new MemoryChannel(
        {
          ...deps,
          rewards: Object.assign(Object.create(s.rewardChat), { wheel: () => Promise.reject(new Error('the database went away')) }),
        },
        merchantId,
        chatId,
        channel,
      );
      const screens = await chat.text(t('menu.wheel'));
      expect(screens.map((x) => x.text)).toEqual([t('error'), t('menu.title', { club: 'HTTP Shop' })]);
      expect(screens[1]!.role).toBe('menu');
    },
  );
});
