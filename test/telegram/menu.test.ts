import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramHarness, type TelegramHarness, type TgUser } from '../helpers/telegram.js';
import { newPhone } from '../helpers/services.js';
import { formatJalaliDateTime } from '../../src/lib/jalali.js';

let h: TelegramHarness;
let u: TgUser;
let memberId: string;
let phone: string;

async function join(user: TgUser, p: string) {
  await user.send('/start');
  await user.shareContact(p, user.user.id, 3);
  for (const answer of ['سارا', 'احمدی', '⏭ رد شدن', '⏭ رد شدن']) await user.send(answer);
  await user.send('تهران', 2);
}

beforeAll(async () => {
  h = await createTelegramHarness({ settings: { earning: { coinsPerAmount: { coins: 1, amount: 100_000 }, cashbackPercent: 1 } } });
  u = h.user(201, 'Sara');
  phone = newPhone();
  await join(u, phone);
  memberId = (await h.w.services.members.findByIdentity(h.merchantId, 'telegram', '201'))!.id;
  // 23 purchases of 1,234,000 Toman: 123 points, 12 coins and 12,340 cashback each.
  for (let i = 0; i < 23; i++) await h.w.services.purchases.record(h.merchantId, { orderId: `menu-${i}`, phone, amount: 1_234_000 }, 'api');
});
afterAll(() => h.close());

describe('the member menu', () => {
  it('balance: Persian digits and separators, tier, and credit about to expire with its Jalali date', async () => {
    const soon = new Date(h.w.clock.now().getTime() + 10 * 86_400_000);
    await h.w.services.ledger.earn({
      merchantId: h.merchantId,
      memberId,
      currency: 'credit',
      amount: 50_000,
      reason: 'bonus',
      idempotencyKey: 'exp-soon',
      actor: 'test',
      expiresAt: soon,
    });
    const [card] = await u.send('💰 موجودی من');
    const text = card!.text!;
    expect(text).toContain('⭐ امتیاز: ۲٬۸۲۹');
    expect(text).toContain('🪙 سکه: ۲۷۶');
    expect(text).toContain('👛 اعتبار کیف پول: ۳۳۳٬۸۲۰ تومان');
    expect(text).toContain('🏅 سطح: طلایی');
    expect(text).toContain('بالاترین سطح');
    expect(text).toContain(`⏳ ۵۰٬۰۰۰ تومان از اعتبار شما تا ${formatJalaliDateTime(soon)} منقضی می‌شود.`);
    // Only the member code (Latin, typed at the till) may carry Latin digits.
    expect(text.replace(/کد عضویت: [2-9A-Z]{7}/, '')).not.toMatch(/[0-9]/);
  });

  it('balance for a newer member shows the way to the next tier, also as /balance', async () => {
    const other = h.user(202, 'Ali');
    const p = newPhone();
    await join(other, p);
    await h.w.services.purchases.record(h.merchantId, { orderId: 'menu-other', phone: p, amount: 2_000_000 }, 'api');
    const [card] = await other.send('/balance');
    expect(card!.text).toContain('🏅 سطح: برنزی');
    expect(card!.text).toContain('▰▰▰▰▱▱▱▱▱▱ ۴۰٪');
    expect(card!.text).toContain('۳۰۰ امتیاز تا سطح نقره‌ای');
  });

  it('invite: the t.me link with r_<referral code>, a QR code image, and a share button', async () => {
    const [photo, message] = await u.send('🤝 دعوت دوستان', 2);
    const member = await h.w.services.members.get(h.merchantId, memberId);
    const username = (await h.channel.usernameOf(h.merchantId))!;
    expect(photo!.photo).toBeDefined();
    const png = h.api.file(photo!.photo!.at(-1)!.file_id)!;
    expect(png.data.subarray(1, 4).toString()).toBe('PNG');
    expect(message!.text).toContain(`https://t.me/${username}?start=r_${member.referralCode}`);
    const share = message!.reply_markup!.inline_keyboard[0]![0]! as { url: string };
    expect(share.url).toMatch(/^https:\/\/t\.me\/share\/url\?url=https%3A%2F%2Ft\.me%2F/);
  });

  it('history: 10 per page with Jalali dates and human reasons; older and newer buttons page through', async () => {
    const [page1] = await u.send('📜 تاریخچه');
    const lines = (m: { text?: string }) => m.text!.split('\n').filter((l) => l.includes('|'));
    expect(page1!.text).toContain('صفحهٔ ۱');
    expect(lines(page1!)).toHaveLength(10);
    expect(lines(page1!)[0]).toMatch(/^۱۴۰\d\/\d+\/\d+|^[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}/);
    expect(lines(page1!)[0]).toContain('+۵۰٬۰۰۰ تومان | جایزه');
    expect(lines(page1!)[1]).toContain('| کش‌بک خرید');
    const buttons = () => page1!.reply_markup?.inline_keyboard[0]?.map((b) => ('callback_data' in b ? b.callback_data : '')) ?? [];
    expect(buttons()).toHaveLength(1);
    const page2 = await u.pressAndWaitForEdit(page1!, buttons()[0]!);
    expect(page2.text).toContain('صفحهٔ ۲');
    expect(lines(page2)).toHaveLength(10);
    const nav2 = page2.reply_markup!.inline_keyboard[0]!.map((b) => ('callback_data' in b ? b.callback_data : ''));
    expect(nav2).toHaveLength(2);
    // 23 purchases × 3 entries + 1 bonus = 70 entries → 7 pages; walk to the end and back one.
    let page = page2;
    for (let n = 3; n <= 7; n++) {
      const older = page
        .reply_markup!.inline_keyboard[0]!.map((b) => ('callback_data' in b ? b.callback_data! : ''))
        .find((d) => d.startsWith('hist:b'))!;
      page = await u.pressAndWaitForEdit(page, older);
      expect(page.text).toContain(`صفحهٔ ${'۰۱۲۳۴۵۶۷۸۹'[n]}`);
    }
    expect(lines(page)).toHaveLength(10);
    const lastNav = page.reply_markup!.inline_keyboard[0]!.map((b) => ('callback_data' in b ? b.callback_data! : ''));
    expect(lastNav).toHaveLength(1);
    const back = await u.pressAndWaitForEdit(page, lastNav[0]!);
    expect(back.text).toContain('صفحهٔ ۶');
  });

  it('profile shows what the member told us, with an edit button', async () => {
    const [profile] = await u.send('/profile');
    expect(profile!.text).toContain('نام: سارا احمدی');
    expect(profile!.text).toContain('شهر: تهران');
    expect(profile!.text).toMatch(/موبایل: ۰۹۱۲ [۰-۹]{3} [۰-۹]{4}/);
    const edit = profile!.reply_markup!.inline_keyboard[0]![0]! as { callback_data: string };
    expect(edit.callback_data).toBe('profile:edit');
    const [question] = await u.press(profile!, 'profile:edit');
    expect(question!.text).toBe('نام کوچک شما چیست؟');
    await u.send('سارا');
    await u.send('رضایی');
    await u.send('⏭ رد شدن');
    await u.send('⏭ رد شدن');
    await u.send('اصفهان');
    expect((await h.w.services.members.get(h.merchantId, memberId)).city).toBe('اصفهان');
  });

  it('language: switches to English and back, and remembers it', async () => {
    const [choose] = await u.send('🌐 زبان');
    expect(choose!.text).toBe('زبان ربات را انتخاب کنید:');
    const replies = await u.press(choose!, 'lang:en');
    expect(replies.at(-1)!.text).toContain('club menu');
    expect(u.keyboardLabels()).toContain('💰 My balance');
    const [card] = await u.send('💰 My balance');
    expect(card!.text).toContain('Points: 2,829');
    expect((await h.w.services.members.get(h.merchantId, memberId)).locale).toBe('en');
    const [again] = await u.send('/lang');
    await u.press(again!, 'lang:fa');
    expect(u.keyboardLabels()).toContain('💰 موجودی من');
  });

  it('help, the menu command, and anything unknown gets a hint and the menu', async () => {
    const [help] = await u.send('❓ راهنما');
    expect(help!.text).toContain('راهنمای باشگاه کافه تهران');
    expect(help!.text).toContain('/support /inbox /stop');
    expect(help!.text).not.toContain('/admin');
    expect((await u.send('/menu'))[0]!.text).toContain('منوی اصلی');
    expect((await u.send('سلام خوبی؟'))[0]!.text).toContain('متوجه نشدم');
    expect((await u.send('/nosuchcommand'))[0]!.text).toContain('متوجه نشدم');
  });

  it('a member who is also staff reads the staff commands in /help; staff who are not members get the admin hint', async () => {
    const both = h.user(298, 'Cashier');
    await both.join(newPhone());
    await both.send(`/admin ${(await h.w.services.operators.invite(h.merchantId, 'cashier', 'ونک', 'test')).code}`, 2);
    expect((await both.send('/help'))[0]!.text).toContain('همکاران فروشگاه: /admin (بخش مدیریت) /report (گزارش ماه)');
    const staffOnly = h.user(297, 'Staff');
    await staffOnly.send(`/admin ${(await h.w.services.operators.invite(h.merchantId, 'cashier', 'ونک', 'test')).code}`, 2);
    expect((await staffOnly.send('/help'))[0]!.text).toBe('شما همکار این باشگاه هستید. برای بخش مدیریت /admin را بزنید.');
  });

  it('someone who has not joined is told how to, never silence', async () => {
    const stranger = h.user(299, 'X');
    expect((await stranger.send('💰 موجودی من'))[0]!.text).toContain('/start');
    expect((await stranger.send('hello'))[0]!.text).toContain('/start');
  });
});
