import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoClub } from '../../src/app/demo-club.js';
import { translator } from '../../src/chat/i18n.js';
import { CLUB_NUMBER, createWhatsAppHarness, shortLinkIn, type WhatsAppHarness } from '../helpers/whatsapp.js';
import { joinedMember, newPhone } from '../helpers/services.js';
import { stripIsolates } from '../../src/chat/bidi.js';

let h: WhatsAppHarness;
// What the member reads: the isolates around Latin runs are invisible (test/chat/bidi-isolates.test.ts checks them).
const fa = translator('fa');
const t = ((...args: Parameters<typeof fa>) => stripIsolates(fa(...args))) as typeof fa;
const MENU_TITLE = 'منوی اصلی باشگاه HTTP Shop';

beforeAll(async () => {
  h = await createWhatsAppHarness();
  await seedDemoClub(h.w.services, h.merchantId);
});
afterAll(() => h.close());

/** The numbered lines of a WhatsApp menu: "۱. 💰 موجودی من" → "💰 موجودی من". */
const optionsOf = (text: string) =>
  text
    .split('\n')
    .filter((l) => /^[۰-۹\d]+\. /.test(l))
    .map((l) => l.replace(/^[۰-۹\d]+\. /, ''));

async function member(name = 'Sara') {
  const u = h.user(newPhone(), name);
  await u.send('سلام');
  for (let i = 0; i < 5; i++) await u.send('0'); // skip the profile questions
  return u;
}

describe('WhatsApp: joining', () => {
  it('a wa.me text with a referral code joins with the WhatsApp phone; the referrer is recorded and rewarded', async () => {
    const referrer = await joinedMember(h.w, h.merchantId);
    const phone = newPhone();
    const prefilled = t('whatsapp.join_text', { club: 'HTTP Shop', code: `r_${referrer.referralCode}` });
    const sara = h.user(phone, 'سارا');
    const replies = await sara.send(prefilled);
    expect(replies[0]).toContain('به باشگاه مشتریان HTTP Shop خوش آمدید');
    expect(replies[0]).toContain('۰۹۱۲'); // the phone came from WhatsApp, in Persian digits
    expect(replies[0]).toContain('🎁 ۱۰ سکه هدیهٔ عضویت شما با دعوت دوستتان!'); // said before the first profile question
    expect(replies.at(-1)).toContain(t('profile_steps.first_name'));

    const joined = await h.w.services.members.findByPhone(h.merchantId, phone);
    expect(joined).toMatchObject({ status: 'active', referrerId: referrer.id, phone });
    const identities = await h.w.services.memberStore.identities(joined!.id);
    expect(identities).toEqual([expect.objectContaining({ channel: 'whatsapp', externalUserId: `${phone.slice(1)}@c.us` })]);

    // The profile, answered in mixed digit scripts; 0 skips.
    expect(await sara.send('سارا')).toEqual([expect.stringContaining(t('profile_steps.last_name'))]);
    expect(await sara.send('۰')).toEqual([expect.stringContaining(t('profile_steps.birth_date'))]);
    expect((await sara.send('1370/13/40'))[0]).toBe(t('whatsapp.bad_birth_date'));
    expect(await sara.send('۱۳۷۰/۶/۳۱')).toEqual([expect.stringContaining(t('profile_steps.gender'))]);
    expect((await sara.send('5'))[0]).toBe(t('whatsapp.bad_choice'));
    await sara.send('٢');
    const done = await sara.send('تهران');
    expect(done[0]).toBe(t('profile_steps.done'));
    expect(done[1]).toContain(MENU_TITLE);
    const profile = await h.w.services.members.get(h.merchantId, joined!.id);
    expect(profile).toMatchObject({ firstName: 'سارا', lastName: null, gender: 'female', city: 'تهران' });
    expect(profile.birthDate?.toISOString().slice(0, 10)).toBe('1991-09-22');

    // member.joined → the referral reward, paid with the welcome already: no notice says it again.
    const sender = await h.startSender(10);
    try {
      await h.drain();
      expect((await sara.inbox(1500)).map((m) => m.text)).toEqual([]);
    } finally {
      await sender.stop();
    }
    const after = await h.w.services.members.get(h.merchantId, referrer.id);
    expect(after.balances.coins).toBe(20);
    expect((await h.w.services.members.get(h.merchantId, joined!.id)).balances.coins).toBe(10);
  });

  it('"منو" or "menu" during the profile questions leads to the menu; it is not taken as a name', async () => {
    const phone = newPhone();
    const u = h.user(phone);
    await u.send('سلام');
    const menu = await u.send('منو');
    expect(menu[0]).toContain(MENU_TITLE);
    expect((await u.send('menu'))[0]).toContain(MENU_TITLE);
    expect(await h.w.services.members.findByPhone(h.merchantId, phone)).toMatchObject({ firstName: null, lastName: null });
  });

  it('a campaign source tag in the text is kept as the member source', async () => {
    const phone = newPhone();
    await h.user(phone).send(t('whatsapp.join_text', { club: 'HTTP Shop', code: 's_instagram' }));
    expect((await h.w.services.members.findByPhone(h.merchantId, phone))?.sourceTag).toBe('instagram');
  });
});

describe('WhatsApp: numbered menus', () => {
  it('every main-menu number opens its screen, in Persian, Arabic-Indic or Latin digits', async () => {
    const u = await member();
    const menu = (await u.send('منو'))[0]!;
    expect(optionsOf(menu)).toEqual([
      '💰 موجودی من',
      '🎡 گردونه شانس',
      '🎁 هدایا',
      '🏷 کدهای تخفیف',
      '🎟 قرعه‌کشی',
      '🤝 دعوت دوستان',
      '📜 تاریخچه',
      '👤 پروفایل من',
      '🌐 زبان',
      '❓ راهنما',
      '🆘 پشتیبانی',
      '📬 پیام‌های من',
    ]);

    expect((await u.send('۱'))[0]).toContain('💳 کارت باشگاه HTTP Shop');
    expect((await u.send('0'))[0]).toContain(MENU_TITLE);
    expect((await u.send('٢'))[0]).toContain('🎡 گردونه شانس HTTP Shop');
    await u.send('0');
    expect((await u.send('3'))[0]).toContain('🎁 هدایای باشگاه HTTP Shop');
    await u.send('0');
    expect((await u.send('۴'))[0]).toContain(t('vouchers.empty'));
    await u.send('0');
    expect((await u.send('۵'))[0]).toContain('🎟 قرعه‌کشی‌های باشگاه HTTP Shop');
    await u.send('0');
    const invite = await u.sendFull('۶');
    expect(invite[0]!.image).toMatch(/^data:image\/png;base64,/); // the QR
    // The invitation link is short, on the club's host; it redirects (302) to the wa.me join text.
    const link = shortLinkIn(invite[1]!.text);
    expect(link.url).toMatch(/^http:\/\/localhost:3000\/j\/[A-Za-z0-9_-]{10}$/);
    expect(invite[1]!.text).not.toContain('wa.me');
    const followed = await h.api.app.inject({ method: 'GET', url: `/j/${link.code}` });
    expect(followed.statusCode).toBe(302);
    const me = (await h.w.services.members.findByPhone(h.merchantId, u.phone))!;
    expect(followed.headers.location).toBe(
      `https://wa.me/${CLUB_NUMBER.slice(1)}?text=${encodeURIComponent(fa('whatsapp.join_text', { club: 'HTTP Shop', code: `r_${me.referralCode}` }))}`,
    );
    // The same link again is the same short code, not a new row.
    expect(shortLinkIn((await u.sendFull('🤝 دعوت دوستان'))[1]!.text).code).toBe(link.code);
    await u.send('0');
    const missing = await h.api.app.inject({ method: 'GET', url: '/j/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('link_not_found');
    await u.send('0');
    expect((await u.send('۷'))[0]).toContain(t('history.empty'));
    await u.send('0');
    expect((await u.send('۸'))[0]).toContain(t('profile.title'));
    await u.send('0');
    expect((await u.send('۹'))[0]).toContain(t('language.choose'));
    await u.send('0');
    expect((await u.send('۱۰'))[0]).toContain('راهنمای باشگاه HTTP Shop در واتس‌اپ');
    // A menu label typed out works too.
    expect((await u.send('💰 موجودی من'))[0]).toContain('💳 کارت باشگاه');
  });

  it('menu words typed without emoji, with Arabic letters, extra spaces or any case open their screens', async () => {
    const u = await member();
    const same = async (typed: string, label: string) => {
      const got = await u.send(typed);
      expect(got[0]).not.toBe(t('whatsapp.hint'));
      expect(got).toEqual(await u.send(label));
    };
    await same('موجودی', '💰 موجودی من');
    await same('موجودي  من', '💰 موجودی من'); // Arabic yeh, two spaces
    await same('هدایا', '🎁 هدایا');
    await same('راهنما', '❓ راهنما');
    await same('balance', '💰 موجودی من');
    await same('Balance', '💰 موجودی من');
    await same('پیام‌ های من', '📬 پیام‌های من');
    await same('كدهای تخفیف', '🏷 کدهای تخفیف'); // Arabic kaf
    await same('/help', '❓ راهنما');
    expect((await u.send('منو!'))[0]).toContain(MENU_TITLE);
  });

  it('bad numbers and free text get a hint and the menu again', async () => {
    const u = await member();
    for (const text of ['42', 'سلام، ساعت کاری؟', '-1', '']) {
      const replies = await u.send(text);
      expect(replies).toHaveLength(2);
      expect(replies[0]).toBe(t('whatsapp.hint'));
      expect(replies[1]).toContain(MENU_TITLE);
    }
    // Inside a screen, a number past its options is refused the same way.
    await u.send('۹'); // language: 2 options
    expect((await u.send('5'))[0]).toBe(t('whatsapp.hint'));
  });

  it('the wheel, a gift, a voucher and raffle tickets, each by numbers', async () => {
    const u = await member();
    const m = (await h.w.services.members.findByPhone(h.merchantId, u.phone))!;
    await h.w.services.ledger.adjust({
      merchantId: h.merchantId,
      memberId: m.id,
      currency: 'coins',
      amount: 500,
      reason: 'test',
      idempotencyKey: `coins-${m.id}`,
      actor: 'test',
    });

    const wheel = (await u.send('2'))[0]!;
    expect(optionsOf(wheel)).toEqual([t('wheel.spin'), t('whatsapp.option_menu')]);
    const spun = (await u.send('1'))[0]!;
    expect(spun).toMatch(/🎉|😅|جایزه|پوچ/);
    const spins = await h.w.db.pool.query('SELECT count(*)::int AS n FROM wheel_spins WHERE member_id = $1', [m.id]);
    expect(spins.rows[0].n).toBe(1);

    await u.send('0');
    const gifts = (await u.send('3'))[0]!;
    const mug = optionsOf(gifts).findIndex((o) => o.includes('ماگ باشگاه'));
    expect(mug).toBeGreaterThanOrEqual(0);
    const detail = (await u.send(String(mug + 1)))[0]!;
    expect(detail).toContain('ماگ سرامیکی');
    const request = optionsOf(detail).indexOf(t('gifts.request')) + 1;
    // The request asks first; nothing is spent or requested before "yes".
    const countRequests = async () =>
      (await h.w.db.pool.query('SELECT count(*)::int AS n FROM gift_requests WHERE member_id = $1', [m.id])).rows[0].n as number;
    const coinsNow = async () => (await h.w.services.members.get(h.merchantId, m.id)).balances.coins;
    const coinsBefore = await coinsNow();
    const ask = (await u.send(String(request)))[0]!;
    expect(ask).toContain('«ماگ باشگاه» را با');
    expect(optionsOf(ask)).toEqual([t('gifts.yes'), t('vouchers.no'), t('whatsapp.option_menu')]);
    expect(await countRequests()).toBe(0);
    expect(await coinsNow()).toBe(coinsBefore);
    expect((await u.send('1'))[0]).toContain('✅ درخواست «ماگ باشگاه» ثبت شد');
    expect(await countRequests()).toBe(1);

    await u.send('0');
    const countVouchers = async () =>
      (await h.w.db.pool.query('SELECT count(*)::int AS n FROM vouchers WHERE member_id = $1', [m.id])).rows[0].n as number;
    const before = await countVouchers(); // the wheel may have given one
    const vouchers = (await u.send('4'))[0]!;
    const shipping = optionsOf(vouchers).findIndex((o) => o.includes('ارسال رایگان')) + 1;
    const confirm = (await u.send(String(shipping)))[0]!;
    expect(optionsOf(confirm)).toEqual([t('vouchers.yes'), t('vouchers.no'), t('whatsapp.option_menu')]);
    expect((await u.send('1'))[0]).toMatch(/[A-Z0-9]{10}/);
    expect(await countVouchers()).toBe(before + 1);

    await u.send('0');
    const raffles = (await u.send('5'))[0]!;
    const one = optionsOf(raffles).findIndex((o) => o.startsWith('🎫 ۱ بلیت')) + 1;
    expect(one).toBe(1);
    await u.send(String(one));
    expect((await u.send('1'))[0]).toContain('✅ بلیت‌های شما در «قرعه‌کشی یلدا»: ۱');
    const tickets = await h.w.db.pool.query('SELECT count(*)::int AS n FROM raffle_tickets WHERE member_id = $1', [m.id]);
    expect(tickets.rows[0].n).toBe(1);
  });

  it('history pages, profile edit, language and the referral code entry all work by numbers', async () => {
    const u = await member();
    const m = (await h.w.services.members.findByPhone(h.merchantId, u.phone))!;
    for (let i = 0; i < 12; i++)
      await h.w.services.ledger.adjust({
        merchantId: h.merchantId,
        memberId: m.id,
        currency: 'points',
        amount: i + 1,
        reason: 'test',
        idempotencyKey: `p-${m.id}-${i}`,
        actor: 'test',
      });
    const page1 = (await u.send('7'))[0]!;
    expect(page1).toContain('📜 تاریخچه (صفحهٔ ۱)');
    expect(optionsOf(page1)).toEqual([t('history.older'), t('whatsapp.option_menu')]);
    expect((await u.send('1'))[0]).toContain('📜 تاریخچه (صفحهٔ ۲)');

    await u.send('0');
    await u.send('8');
    expect((await u.send('1'))[0]).toContain(t('profile_steps.first_name'));
    await u.send('رضا');
    for (let i = 0; i < 4; i++) await u.send('0');
    expect((await h.w.services.members.get(h.merchantId, m.id)).firstName).toBe('رضا');

    await u.send('9');
    const english = await u.send('2');
    expect(english[0]).toBe(translator('en')('language.changed'));
    expect(english[1]).toContain('HTTP Shop');
    expect(optionsOf(english[1]!)[0]).toBe(translator('en')('menu.balance'));
    expect((await u.send('1'))[0]).toContain('club card');
    await u.send('9');
    await u.send('1');

    const friend = await joinedMember(h.w, h.merchantId);
    await u.send('6');
    const invite = await u.send('0');
    expect(invite[0]).toContain(MENU_TITLE);
    const screen = await u.send('6');
    const codeOption = optionsOf(screen.at(-1)!).indexOf(t('invite.have_code')) + 1;
    expect(codeOption).toBe(1);
    expect((await u.send('1'))[0]).toBe(t('whatsapp.ask_code'));
    const ok = await u.send(friend.referralCode.toLowerCase());
    expect(ok[0]).toContain('✅ کد معرف ثبت شد');
    expect((await h.w.services.members.get(h.merchantId, m.id)).referrerId).toBe(friend.id);
  });

  it('"لغو" stops promotions and "شروع" brings them back', async () => {
    const u = await member();
    const id = (await h.w.services.members.findByPhone(h.merchantId, u.phone))!.id;
    expect((await u.send('لغو'))[0]).toBe(t('whatsapp.opted_out'));
    expect((await h.w.services.members.get(h.merchantId, id)).optedOut).toBe(true);
    expect((await u.send('شروع'))[0]).toBe(t('whatsapp.opted_in'));
    expect((await h.w.services.members.get(h.merchantId, id)).optedOut).toBe(false);
  });

  it('a number that is not a phone, or a club that is not on WhatsApp, gets a clear JSON error', async () => {
    const bad = await h.api.app.inject({
      method: 'POST',
      url: `/local-whatsapp/${h.merchantId}/messages`,
      payload: { from: 'abc', text: 'hi' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_phone');
    const other = await h.api.app.inject({
      method: 'POST',
      url: '/local-whatsapp/00000000-0000-0000-0000-000000000000/messages',
      payload: { from: '09121234567', text: 'hi' },
    });
    expect(other.statusCode).toBe(503);
    expect(other.json().error.code).toBe('whatsapp_not_running');
  });

  it('a failure while answering is said, with the menu back (it used to be silence), and the chat carries on', async () => {
    const u = await member('Nima');
    const rewards = h.w.services.rewardChat;
    const wheel = rewards.wheel.bind(rewards);
    rewards.wheel = () => Promise.reject(new Error('the database went away'));
    try {
      const replies = await u.send('۲');
      expect(replies[0]).toBe(t('error'));
      expect(replies.at(-1)).toContain(MENU_TITLE);
    } finally {
      rewards.wheel = wheel;
    }
    expect((await u.send('۲'))[0]).toContain('گردونه');
  });
});
