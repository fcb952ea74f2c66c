import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramHarness, type TelegramHarness } from '../helpers/telegram.js';
import { newPhone } from '../helpers/services.js';

let h: TelegramHarness;

beforeAll(async () => {
  h = await createTelegramHarness();
});
afterAll(() => h.close());

const persian = (s: string) => s.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);

describe('joining through the bot', () => {
  it('welcomes in Persian, insists on the contact button, refuses someone else’s contact, then registers', async () => {
    const u = h.user(101, 'Sara');
    const [welcome] = await u.send('/start');
    expect(welcome!.text).toContain('به باشگاه مشتریان کافه تهران خوش آمدید');
    expect(u.keyboardLabels()).toEqual(['📱 ارسال شماره موبایل']);
    expect((await u.send('09121234567'))[0]!.text).toContain('دکمهٔ «📱 ارسال شماره موبایل» را بزنید');
    expect((await u.shareContact('+989120000001', 999))[0]!.text).toContain('این شمارهٔ شخص دیگری است');

    const phone = newPhone();
    const replies = await u.shareContact(phone.slice(1), 101, 3);
    expect(replies[0]!.text).toMatch(/عضویت شما با موفقیت انجام شد[\s\S]*کد عضویت شما: [2-9A-Z]{7}/);
    expect(replies[2]!.text).toBe('نام کوچک شما چیست؟');
    expect(u.keyboardLabels()).toEqual(['⏭ رد شدن']);

    const member = await h.w.services.members.findByIdentity(h.merchantId, 'telegram', '101');
    expect(member).toMatchObject({ phone, status: 'active' });
  });

  it('asks the short profile, explains bad answers and asks again, accepts skips', async () => {
    const u = h.user(101, 'Sara');
    expect((await u.send('ا'.repeat(300)))[0]!.text).toBe('این پاسخ بیش از ۶۰ حرف است؛ کوتاه‌ترش را بنویسید، یا «رد شدن» را بزنید.');
    expect((await u.send('سارا123'))[0]!.text).toContain('فقط با حروف');
    expect((await u.send('سارا'))[0]!.text).toBe('نام خانوادگی‌تان؟');
    expect((await u.send('⏭ رد شدن'))[0]!.text).toContain('تاریخ تولدتان');
    expect((await u.send('۱۳۷۰/۰۷/۳۱'))[0]!.text).toContain('این تاریخ معتبر نیست');
    expect((await u.send('۱۳۷۰/۰۶/۳۱'))[0]!.text).toBe('جنسیت؟');
    expect(u.keyboardLabels()).toEqual(['آقا', 'خانم', '⏭ رد شدن']);
    expect((await u.send('نمی‌دانم'))[0]!.text).toContain('یکی از دکمه‌ها');
    expect((await u.send('خانم'))[0]!.text).toContain('کدام شهر');
    const done = await u.send('شیراز', 2);
    expect(done[0]!.text).toContain('پروفایل شما ذخیره شد');
    expect(done[1]!.text).toContain('منوی اصلی');
    expect(u.keyboardLabels()).toContain('💰 موجودی من');

    const member = await h.w.services.members.findByIdentity(h.merchantId, 'telegram', '101');
    expect(member).toMatchObject({ firstName: 'سارا', lastName: null, gender: 'female', city: 'شیراز' });
    expect(member!.birthDate?.toISOString().slice(0, 10)).toBe('1991-09-22');
  });

  it('a member who sends /start again just gets the menu', async () => {
    const [reply] = await h.user(101).send('/start');
    expect(reply!.text).toContain('شما عضو باشگاه هستید');
  });

  it('claims a pending member: purchases made before joining appear at once', async () => {
    const phone = newPhone();
    await h.w.services.purchases.record(h.merchantId, { orderId: 'tg-pending-1', phone, amount: 2_500_000 }, 'api');
    const u = h.user(102, 'Reza');
    await u.send('/start');
    const replies = await u.shareContact(phone, 102, 3);
    expect(replies[0]!.text).toContain('خریدهای قبلی‌تان');
    expect(replies[0]!.text).toContain(`${persian('250')} امتیاز`);
  });

  it('records the referrer from r_<code> and the source from s_<tag>; ignores junk payloads', async () => {
    const referrer = await h.w.services.members.findByIdentity(h.merchantId, 'telegram', '101');
    const friend = h.user(103, 'Ali');
    await friend.send(`/start r_${referrer!.referralCode.toLowerCase()}`);
    await friend.shareContact(newPhone(), 103, 3);
    const joined = await h.w.services.members.findByIdentity(h.merchantId, 'telegram', '103');
    expect(joined!.referrerId).toBe(referrer!.id);

    const fromInsta = h.user(104, 'Mina');
    await fromInsta.send('/start s_Instagram');
    await fromInsta.shareContact(newPhone(), 104, 3);
    expect((await h.w.services.members.findByIdentity(h.merchantId, 'telegram', '104'))!.sourceTag).toBe('instagram');

    for (const [id, payload] of [
      [105, 'r_!!!'],
      [106, 'x'.repeat(80)],
      [107, 'r_ZZZZZZ'],
      [108, 'hello world'],
    ] as const) {
      const u = h.user(id, 'Guest');
      const [welcome] = await u.send(`/start ${payload}`);
      expect(welcome!.text).toContain('خوش آمدید');
      await u.shareContact(newPhone(), id, 3);
      const m = await h.w.services.members.findByIdentity(h.merchantId, 'telegram', String(id));
      expect(m).toMatchObject({ referrerId: null, sourceTag: null, status: 'active' });
    }
  });

  it('survives a restart in the middle of the profile', async () => {
    const u = h.user(110, 'Nima');
    await u.send('/start');
    await u.shareContact(newPhone(), 110, 3);
    expect((await u.send('نیما'))[0]!.text).toBe('نام خانوادگی‌تان؟');
    await h.restart();
    expect((await u.send('رضایی'))[0]!.text).toContain('تاریخ تولدتان');
    const m = await h.w.services.members.findByIdentity(h.merchantId, 'telegram', '110');
    expect(m).toMatchObject({ firstName: 'نیما', lastName: 'رضایی' });
  });

  it('a phone shared again in the middle of the profile is said to be registered already, and the same question is asked again', async () => {
    const u = h.user(112, 'Leila');
    const phone = newPhone();
    await u.send('/start');
    await u.shareContact(phone, 112, 3);
    expect((await u.send('لیلا'))[0]!.text).toBe('نام خانوادگی‌تان؟');
    const replies = await u.shareContact(phone, 112, 2);
    expect(replies[0]!.text).toBe(
      `شمارهٔ موبایل شما (${persian(phone.replace(/^\+98(\d{3})(\d{3})(\d{4})$/, '0$1 $2 $3'))}) قبلاً در باشگاه ثبت شده است ✅`,
    );
    expect(replies[1]!.text).toBe('نام خانوادگی‌تان؟');
    expect(u.keyboardLabels()).toEqual(['⏭ رد شدن']);
    expect((await u.send('احمدی'))[0]!.text).toContain('تاریخ تولدتان');
    const m = await h.w.services.members.findByIdentity(h.merchantId, 'telegram', '112');
    expect(m).toMatchObject({ firstName: 'لیلا', lastName: 'احمدی' });
  });

  it('a menu button in the middle of the profile leaves it and opens that screen', async () => {
    const u = h.user(111, 'Omid');
    await u.send('/start');
    await u.shareContact(newPhone(), 111, 3);
    const [balance] = await u.send('💰 موجودی من');
    expect(balance!.text).toContain('کارت باشگاه');
    expect((await u.send('چیز نامفهوم'))[0]!.text).toContain('متوجه نشدم');
  });
});
