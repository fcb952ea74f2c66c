import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroadcasting } from '../../src/jobs/broadcasting.js';
import { telegramBroadcasts } from '../../src/channels/telegram/delivery.js';
import { broadcastProgressScreen } from '../../src/chat/screens/broadcast-screens.js';
import { createLogger } from '../../src/logger.js';
import { drainEvents } from '../helpers/events.js';
import { createTelegramHarness, harnessNotifier, type TelegramHarness, type TgUser } from '../helpers/telegram.js';
import { joinedMember, newPhone, storedBalances } from '../helpers/services.js';
import { createPanelAccess } from '../../src/app/container.js';
import { formatDateTime } from '../../src/chat/format.js';

let h: TelegramHarness;
let member: TgUser;
let memberPhone: string;
const logger = createLogger('silent');

beforeAll(async () => {
  h = await createTelegramHarness();
  member = h.user(801, 'Sara');
  memberPhone = newPhone();
  await member.join(memberPhone);
});
afterAll(() => h.close());

const notify = () => drainEvents(h.w.db, [harnessNotifier(h)]);
const invite = async (role: 'owner' | 'manager' | 'cashier', branch: string | null = null) =>
  (await h.w.services.operators.invite(h.merchantId, role, branch, 'cli')).code;
const persian = (phone: string) => `0${phone.slice(3)}`.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
const last = (u: TgUser) => u.botMessages().at(-1)!;

describe('admin mode in the bot', () => {
  let owner: TgUser;
  let cashier: TgUser;

  it('links operators with one-time codes; the keyboard shows what each role may do', async () => {
    owner = h.user(901, 'Owner');
    const code = await invite('owner');
    const [linked, home] = await owner.send(`/admin ${code}`, 2);
    expect(linked!.text).toBe('✅ شما به‌عنوان مالک باشگاه کافه تهران ثبت شدید.');
    expect(home!.text).toContain('نقش شما: مالک');
    expect(owner.keyboardLabels()).toEqual([
      '🧾 ثبت خرید',
      '↩️ ثبت مرجوعی',
      '🔎 جستجوی عضو',
      '🎁 صف هدایا',
      '🎫 تیکت‌ها',
      '📣 پیام همگانی',
      '🏷 کمپین‌های تخفیف',
      '🎟 قرعه‌کشی‌ها',
      '📊 آمار',
      '📈 گزارش ماه',
      '➕ دعوت همکار',
      '🖥 پنل وب',
      '🚪 خروج از مدیریت',
    ]);

    const stranger = h.user(902, 'Stranger');
    expect((await stranger.send(`/admin ${code}`))[0]!.text).toBe('این کد دعوت قبلاً استفاده شده است؛ از مالک باشگاه کد تازه بخواهید.');
    expect((await stranger.send('/admin'))[0]!.text).toContain('کد دعوتی را که از مالک باشگاه گرفته‌اید');
    expect((await member.send('📣 پیام همگانی'))[0]!.text).toContain('کد دعوتی');

    cashier = h.user(903, 'Cashier');
    await cashier.send(`/admin ${await invite('cashier', 'ونک')}`, 2);
    expect(cashier.keyboardLabels()).toEqual(['🧾 ثبت خرید', '↩️ ثبت مرجوعی', '🔎 جستجوی عضو', '🖥 پنل وب', '🚪 خروج از مدیریت']);
    expect(last(cashier).text).toContain('نقش شما: صندوق‌دار — شعبهٔ ونک');
    // A cashier typing a manager's button is refused by the server, not just hidden.
    expect((await cashier.send('📣 پیام همگانی'))[0]!.text).toBe('⛔ این کار در دسترسی نقش شما (صندوق‌دار) نیست.');
    const refusals = await h.w.db.pool.query('SELECT action FROM audit_log WHERE merchant_id = $1 AND NOT allowed', [h.merchantId]);
    expect(refusals.rows.map((r) => r.action)).toContain('campaigns');
  });

  it('“web panel” (or /panel) sends the operator a one-time sign-in link; a stranger gets none', async () => {
    const [sent] = await cashier.send('🖥 پنل وب');
    expect(sent!.text).toContain('یک‌بارمصرف، تا ۱۰ دقیقه');
    const token = /http:\/\/localhost:3000\/panel\/sign-in\?token=([A-Za-z0-9_-]{43})/.exec(sent!.text!)![1]!;
    const session = await createPanelAccess(h.w.services, h.r.redis, h.r.prefix).signIn(token);
    expect(session!.session.operator).toMatchObject({ role: 'cashier', branch: 'ونک' });
    expect((await cashier.send('/panel'))[0]!.text).toMatch(/panel\/sign-in\?token=(?!${token})/);
    expect((await h.user(904, 'Stranger').send('/panel'))[0]!.text).toContain('کد دعوتی را که از مالک باشگاه گرفته‌اید');
  });

  it('a cashier records a purchase with a confirmation step, and the member is told', async () => {
    await cashier.send('🧾 ثبت خرید');
    expect((await cashier.send(persian(memberPhone)))[0]!.text).toBe('مبلغ خرید به تومان را بفرستید (مثلاً ۲۵۰٬۰۰۰):');
    expect((await cashier.send('دویست'))[0]!.text).toBe('مبلغ باید عددی بزرگ‌تر از صفر باشد. دوباره بفرستید:');
    await cashier.send('۲۵۰٬۰۰۰');
    const [preview] = await cashier.send('⏭ رد شدن');
    expect(preview!.text).toContain('مبلغ: ۲۵۰٬۰۰۰ تومان');
    expect(preview!.text).toContain('شعبه: ونک');
    const [done] = await cashier.send('✅ تأیید و ثبت');
    expect(done!.text).toMatch(/^✅ خرید ثبت شد\.\nشمارهٔ سفارش: chat-[0-9a-f]{8}\nامتیاز: ۲۵/);
    expect(cashier.keyboardLabels()).toContain('🧾 ثبت خرید');
    const before = member.botMessages().length;
    await notify();
    expect(
      member
        .botMessages()
        .slice(before)
        .map((m) => m.text)[0],
    ).toContain('🛍 خرید ۲۵۰٬۰۰۰ تومان شما ثبت شد.');
  });

  it('a return picks the member’s purchase and takes its points back', async () => {
    await cashier.send('↩️ ثبت مرجوعی');
    const [pick] = await cashier.send(memberPhone);
    expect(pick!.text).toBe('کدام خرید مرجوع می‌شود؟');
    const option = cashier.keyboardLabels().find((l) => l.startsWith('۱. ۲۵۰٬۰۰۰ تومان'))!;
    await cashier.send(option);
    expect((await cashier.send('۳۰۰٬۰۰۰'))[0]!.text).toBe(
      'این مبلغ از باقی‌ماندهٔ این خرید بیشتر است؛ فقط ۲۵۰٬۰۰۰ تومان از آن قابل مرجوعی است. دوباره بفرستید:',
    );
    await cashier.send('همهٔ مبلغ');
    const [done] = await cashier.send('✅ تأیید و ثبت');
    expect(done!.text).toContain('✅ مرجوعی ثبت شد: ۲۵۰٬۰۰۰ تومان.');
    const m = (await h.w.services.members.findByPhone(h.merchantId, memberPhone))!;
    expect((await storedBalances(h.w.db, m.id)).balances.points).toBe(0);
    const before = member.botMessages().length;
    await notify();
    expect(
      member
        .botMessages()
        .slice(before)
        .map((x) => x.text),
    ).toEqual(['↩️ مرجوعی خرید ثبت شد.\n➖ ۲۵ امتیاز (مرجوعی)\nموجودی فعلی: ۰ امتیاز | ۰ سکه | ۰ تومان']);
  });

  it('the owner looks a member up, sees the figures, and invites a manager', async () => {
    await owner.send('🔎 جستجوی عضو');
    const [card] = await owner.send(memberPhone);
    expect(card!.text).toContain('🏅 سطح: برنزی');
    expect(card!.text).toContain('🛍 خریدها: ۱');
    const [figures] = await owner.send('📊 آمار');
    expect(figures!.text).toContain('📊 آمار باشگاه کافه تهران');
    await owner.send('➕ دعوت همکار');
    const [code] = await owner.send('مدیر');
    const invitation = /\/admin ([A-Z0-9]{10})/.exec(code!.text!)![1]!;
    const manager = h.user(904, 'Manager');
    await manager.send(`/admin ${invitation}`, 2);
    expect(manager.keyboardLabels()).toContain('🎁 صف هدایا');
    expect(manager.keyboardLabels()).not.toContain('➕ دعوت همکار');
  });

  it('the gift queue: approve, then ship with a tracking note; the member hears about both', async () => {
    const gift = await h.w.services.gifts.create(h.merchantId, { title: 'ماگ', costCurrency: 'coins', cost: 0 });
    const m = (await h.w.services.members.findByPhone(h.merchantId, memberPhone))!;
    await h.w.services.gifts.request(h.merchantId, m, gift.id, 'queue-1');
    const [title, item] = await owner.send('🎁 صف هدایا', 2);
    expect(title!.text).toBe('🎁 صف هدایا: ۱ درخواست');
    expect(item!.text).toContain('🎁 ماگ');
    const approve = owner.button('gq:approve:');
    const edited = await owner.pressAndWaitForEdit(approve.message, approve.data);
    expect(edited.text).toContain('✅ تأیید شد');
    const ship = owner.button('gq:ship:');
    const [ask] = await owner.press(ship.message, ship.data);
    expect(ask!.text).toBe('کد رهگیری یا توضیح ارسال را بفرستید (اختیاری):');
    expect((await owner.send('پست ۹۹۸۸'))[0]!.text).toBe('«ماگ» ← 📦 ارسال شد. مشتری باخبر شد.');
    const card = owner.botMessages().find((x) => x.message_id === item!.message_id)!;
    expect(card.text).toContain('— 📦 ارسال شد');
    expect(card.reply_markup?.inline_keyboard ?? []).toEqual([]);
    const before = member.botMessages().length;
    await notify();
    expect(
      member
        .botMessages()
        .slice(before)
        .map((x) => x.text),
    ).toEqual(['✅ درخواست هدیهٔ «ماگ» تأیید شد و به‌زودی ارسال می‌شود.', '📦 هدیهٔ «ماگ» برایتان ارسال شد.\nکد رهگیری: پست ۹۹۸۸']);
  });

  it('a rejected gift request: its card says so and loses its buttons', async () => {
    const gift = await h.w.services.gifts.create(h.merchantId, { title: 'کلاه', costCurrency: 'coins', cost: 0 });
    const m = (await h.w.services.members.findByPhone(h.merchantId, memberPhone))!;
    await h.w.services.gifts.request(h.merchantId, m, gift.id, 'queue-2');
    await owner.send('🎁 صف هدایا', 2);
    const reject = owner.button('gq:reject:');
    expect((await owner.press(reject.message, reject.data))[0]!.text).toContain('دلیل رد درخواست');
    expect((await owner.send('تمام شده'))[0]!.text).toBe('«کلاه» ← ❌ رد شد. مشتری باخبر شد.');
    const card = owner.botMessages().find((x) => x.message_id === reject.message.message_id)!;
    expect(card.text).toContain('— ❌ رد شد');
    expect(card.reply_markup?.inline_keyboard ?? []).toEqual([]);
  });

  it('staff screens show Persian digits: a sale for someone not yet a member shows the phone in Persian', async () => {
    const phone = newPhone();
    await cashier.send('🧾 ثبت خرید');
    await cashier.send(phone);
    await cashier.send('۱۰۰٬۰۰۰');
    const [preview] = await cashier.send('⏭ رد شدن');
    expect(preview!.text).toContain(`مشتری: ${persian(phone).replace(/^(.{4})(.{3})/, '$1 $2 ')} (هنوز عضو نشده`);
    expect((await cashier.send('✖️ انصراف'))[0]!.text).toBe('لغو شد.');
  });

  it('staff who are not members get the admin hint for free text, not “join first”', async () => {
    expect((await owner.send('سلام'))[0]!.text).toBe('شما همکار این باشگاه هستید. برای بخش مدیریت /admin را بزنید.');
  });

  it('staff who are not members leave admin mode with a way on: /admin to come back, the join button to become a member', async () => {
    const [left] = await owner.send('🚪 خروج از مدیریت');
    expect(left!.text).toContain('از بخش مدیریت خارج شدید.');
    expect(left!.text).toContain('/admin');
    expect(owner.keyboardLabels()).toEqual(['📱 ارسال شماره موبایل']);
    const [home] = await owner.send('/admin');
    expect(home!.text).toContain('نقش شما: مالک');
    expect(owner.keyboardLabels()).toContain('🚪 خروج از مدیریت');
  });

  it('an empty group in the composer says so and asks for another group', async () => {
    await owner.send('📣 پیام همگانی');
    await owner.send('یک گروه (برچسب)…');
    const [empty] = await owner.send('هیچ‌کس');
    expect(empty!.text).toBe('هیچ عضوی در این گروه نیست. گروه دیگری انتخاب کنید، یا «✖️ انصراف» را بزنید:');
    expect(owner.keyboardLabels()).toContain('همهٔ اعضا');
    expect(owner.keyboardLabels()).toContain('✖️ انصراف');
    const [count] = await owner.send('همهٔ اعضا', 2);
    expect(count!.text).toContain('👥 ۱ نفر');
    expect((await owner.send('✖️ انصراف'))[0]!.text).toBe('لغو شد.');
  });

  it('a text too long for its question names the limit in Persian digits (not “send text, or skip” without a skip button)', async () => {
    await owner.send('➕ دعوت همکار');
    await owner.send('صندوق‌دار');
    const [branch] = await owner.send('ش'.repeat(65));
    expect(branch!.text).toBe('این متن بیش از ۶۴ حرف است؛ کوتاه‌ترش را بفرستید، یا «✖️ انصراف» را بزنید:');
    expect(owner.keyboardLabels()).toEqual(['✖️ انصراف']);
    expect((await owner.send('✖️ انصراف'))[0]!.text).toBe('لغو شد.');
  });

  it('an amount beyond any purchase is called too large, not “not above zero”', async () => {
    await owner.send('🧾 ثبت خرید');
    await owner.send(persian(memberPhone));
    expect((await owner.send('99999999999999999999'))[0]!.text).toBe('این مبلغ بیش از اندازه بزرگ است. دوباره بفرستید:');
    expect((await owner.send('✖️ انصراف'))[0]!.text).toBe('لغو شد.');
  });

  it('a broadcast: segment size and ETA, preview, confirm, live progress; the member can opt out', async () => {
    const broadcasting = await startBroadcasting({
      ctx: { connection: h.r.redis, prefix: h.r.prefix, redis: h.r.redis },
      queues: h.w.broadcastQueues!,
      services: h.w.services,
      telegram: telegramBroadcasts(h.channel, { redis: h.r.redis, prefix: h.r.prefix, ratePerSecond: 100 }),
      defaultLocale: 'fa',
      logger,
    });
    try {
      await owner.send('📣 پیام همگانی');
      const [count] = await owner.send('همهٔ اعضا', 2);
      expect(count!.text).toBe('👥 ۱ نفر در تلگرام یا واتس‌اپ دریافت می‌کنند (ارسال حدود ۱ ثانیه).');
      const [title, preview, nameless] = await owner.send('سلام {name} عزیز، یلدا مبارک! 🍉', 4);
      expect(title!.text).toBe('👀 پیش‌نمایش پیام (این‌طور به دست اعضا می‌رسد):');
      expect(preview!.text).toBe('سلام Owner عزیز، یلدا مبارک! 🍉');
      // The member without a name, shown before sending: the fallback does not repeat "عزیز".
      expect(nameless!.text).toBe('👤 عضوی که نامش را نگفته این را می‌گیرد:\nسلام دوست عزیز، یلدا مبارک! 🍉');
      await owner.send('🚀 همین حالا');
      const [started, progress] = await owner.send('✅ تأیید و ثبت', 2);
      expect(started!.text).toBe('ارسال آغاز شد؛ پیشرفت را همین‌جا می‌بینید.');
      // The progress message is edited until the broadcast is done.
      await waitForText(owner, progress!.message_id, '✅ ارسال تمام شد');
      const final = owner.botMessages().find((x) => x.message_id === progress!.message_id)!;
      expect(final.text).toContain('✅ ارسال‌شده: ۱');
      const got = member.botMessages().at(-1)!;
      expect(got.text).toBe('سلام دوست عزیز، یلدا مبارک! 🍉'); // no name given when joining: not "دوست عزیز عزیز"

      const optOut = member.button('optout');
      const [bye] = await member.press(optOut.message, optOut.data);
      expect(bye!.text).toContain('🔕 دیگر پیام تبلیغاتی برایتان نمی‌فرستیم.');
      expect((await h.w.services.campaigns.countSegment(h.merchantId, {})).members).toBe(0);
      const back = member.button('optin');
      expect((await member.press(back.message, back.data))[0]!.text).toBe('🔔 پیام‌های باشگاه دوباره برایتان ارسال می‌شود.');
      await member.send('/stop');
      expect((await h.w.services.members.findByPhone(h.merchantId, memberPhone))!.optedOut).toBe(true);
    } finally {
      await broadcasting.stop();
    }
  });

  it('the composer schedules a broadcast for a Jalali date and time', async () => {
    const m = (await h.w.services.members.findByPhone(h.merchantId, memberPhone))!;
    await h.w.services.members.setOptOut(h.merchantId, m.id, false); // back in after /stop above
    await owner.send('📣 پیام همگانی');
    await owner.send('همهٔ اعضا', 2);
    await owner.send('حراج نوروز', 3);
    expect((await owner.send('⏰ زمان‌بندی'))[0]!.text).toBe('تاریخ و ساعت ارسال را به شمسی بفرستید (مثلاً ۱۴۰۵/۰۹/۰۵ ۱۸:۳۰):');
    expect((await owner.send('۱۴۰۰/۰۱/۰۱ ۱۰:۰۰'))[0]!.text).toContain('گذشته است');
    const [confirm] = await owner.send('۱۴۱۰/۰۱/۰۱ ۰۹:۳۰');
    expect(confirm!.text).toBe('📣 ارسال به ۱ نفر در ۱۴۱۰/۰۱/۰۱، ۰۹:۳۰ تأیید شود؟');
    const [scheduled, progress] = await owner.send('✅ تأیید و ثبت', 2);
    expect(scheduled!.text).toBe('⏰ زمان‌بندی شد؛ ارسال در ۱۴۱۰/۰۱/۰۱، ۰۹:۳۰ شروع می‌شود و پیشرفتش را همین‌جا می‌بینید.');
    expect(progress!.text).toContain('⏰ زمان‌بندی‌شده برای ۱۴۱۰/۰۱/۰۱، ۰۹:۳۰');
    expect(progress!.reply_markup!.inline_keyboard.flat().map((b) => b.text)).toEqual(['⏸ توقف', '✖️ لغو']);
    const cancel = owner.button('bc:cancel:');
    expect((await owner.pressAndWaitForEdit(cancel.message, cancel.data)).text).toContain('✖️ لغو شد');
  });

  it('progress of a broadcast sent now, before the worker picks it up, says it is queued (no empty “scheduled for”)', async () => {
    const counts = { pending: 1, sending: 0, sent: 0, failed: 0, blocked: 0, unknown: 0, cancelled: 0, held_out: 0, skipped: 0 };
    const screen = broadcastProgressScreen(
      {
        id: '00000000-0000-0000-0000-000000000000',
        status: 'scheduled',
        scheduleAt: null,
        recipients: 1,
        heldOut: 0,
        counts,
        remaining: 1,
        etaSeconds: 1,
      },
      await h.w.services.screens.context(h.merchantId, 'fa'),
    );
    expect(screen.text.split('\n')[1]).toBe('⏳ در صف ارسال؛ به‌زودی شروع می‌شود…');
  });

  it('a cashier who is also a member cannot record a purchase for himself', async () => {
    const both = h.user(905, 'Ali');
    const phone = newPhone();
    await both.join(phone);
    await both.send(`/admin ${await invite('cashier', 'ونک')}`, 2);
    await both.send('🧾 ثبت خرید');
    await both.send(phone);
    await both.send('۱۰۰٬۰۰۰');
    await both.send('⏭ رد شدن');
    expect((await both.send('✅ تأیید و ثبت'))[0]!.text).toBe('⛔ خرید خودتان را نمی‌توانید ثبت کنید؛ همکار دیگری آن را ثبت کند.');
    const m = (await h.w.services.members.findByPhone(h.merchantId, phone))!;
    expect(m.purchaseCount).toBe(0);
    const refusals = await h.w.db.pool.query(
      "SELECT details->>'reason' AS reason FROM audit_log WHERE merchant_id = $1 AND action = 'purchase.record' AND NOT allowed",
      [h.merchantId],
    );
    expect(refusals.rows.map((r) => r.reason)).toContain('own_purchase');
  });

  it('a tracked campaign link opened by a member counts as a click', async () => {
    const { campaign } = await h.w.services.campaigns.create(
      h.merchantId,
      { kind: 'message', name: 'x', message: { text: 'x' }, scheduleAt: '2030-01-01T00:00:00Z' },
      'test',
    );
    await member.send(`/start s_c${campaign.id}`);
    const status = await h.w.services.broadcasts.forCampaign(h.merchantId, campaign.id);
    expect((await h.w.services.campaigns.kpis(h.merchantId, campaign.id, status, null)).clicks).toBe(1);
  });

  describe('voucher campaigns and raffles from the chat', () => {
    let manager: TgUser;
    const labels = (m: { reply_markup?: { inline_keyboard: { text: string }[][] } }) =>
      (m.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text);
    const audited = async (action: string) =>
      (await h.w.db.pool.query('SELECT allowed, details FROM audit_log WHERE merchant_id = $1 AND action = $2', [h.merchantId, action]))
        .rows;

    it('a manager sees the new buttons; a cashier neither sees them nor may use them', async () => {
      manager = h.user(910, 'Manager');
      await manager.send(`/admin ${await invite('manager')}`, 2);
      expect(manager.keyboardLabels()).toContain('🏷 کمپین‌های تخفیف');
      expect(manager.keyboardLabels()).toContain('🎟 قرعه‌کشی‌ها');
      expect(cashier.keyboardLabels()).not.toContain('🏷 کمپین‌های تخفیف');
      expect(cashier.keyboardLabels()).not.toContain('🎟 قرعه‌کشی‌ها');
      const refusal = '⛔ این کار در دسترسی نقش شما (صندوق‌دار) نیست.';
      expect((await cashier.send('🏷 کمپین‌های تخفیف'))[0]!.text).toBe(refusal);
      expect((await cashier.send('🎟 قرعه‌کشی‌ها'))[0]!.text).toBe(refusal);
    });

    it('a manager pauses a voucher campaign (its code is then refused) and resumes it', async () => {
      const campaign = await h.w.services.vouchers.createCampaign(h.merchantId, {
        name: 'یلدا',
        kind: 'percent',
        value: 10,
        sharedCode: 'YALDA1405',
      });
      const check = () => h.w.services.vouchers.validate(h.merchantId, { code: 'YALDA1405', amount: 100_000 });
      expect((await check()).ok).toBe(true);
      const [list] = await manager.send('🏷 کمپین‌های تخفیف');
      expect(list!.text).toContain('🏷 کمپین‌های تخفیف باشگاه:');
      expect(list!.text).toContain('۱. یلدا — 🟢 فعال\nصادرشده: ۰ · استفاده‌شده: ۰');
      expect(labels(list!)).toEqual(['⏸ توقف «یلدا»']);

      const pause = manager.button('vc:pause:');
      const paused = await manager.pressAndWaitForEdit(pause.message, pause.data);
      expect(paused.text).toContain('۱. یلدا — ⏸ متوقف');
      expect(labels(paused)).toEqual(['▶️ ادامهٔ «یلدا»']);
      expect(await check()).toMatchObject({ ok: false, reason: 'inactive' });

      // A cashier pressing the same button (an old message, a forged press) is refused by the server.
      const before = (await audited('campaigns')).filter((r) => !r.allowed).length;
      const [refused] = await cashier.press(last(cashier), `vc:resume:${campaign.id}`);
      expect(refused!.text).toBe('⛔ این کار در دسترسی نقش شما (صندوق‌دار) نیست.');
      expect((await audited('campaigns')).filter((r) => !r.allowed).length).toBe(before + 1);
      expect((await check()).ok).toBe(false);

      const resume = manager.button('vc:resume:');
      const resumed = await manager.pressAndWaitForEdit(resume.message, resume.data);
      expect(resumed.text).toContain('۱. یلدا — 🟢 فعال');
      expect(labels(resumed)).toEqual(['⏸ توقف «یلدا»']);
      expect((await check()).ok).toBe(true);
      expect((await audited('vouchers.update')).map((r) => [r.allowed, r.details])).toEqual([
        [true, { active: false }],
        [true, { active: true }],
      ]);
    });

    it('a manager cancels a raffle after confirming; the coins paid for tickets go back', async () => {
      const closesAt = new Date(h.w.clock.now().getTime() + 48 * 3600_000);
      const raffle = await h.w.services.raffles.create(h.merchantId, {
        title: 'آیفون',
        prizes: [{ title: 'آیفون', count: 1 }],
        entryRule: { kind: 'coins', price: 20 },
        closesAt: closesAt.toISOString(),
      });
      const buyer = await joinedMember(h.w, h.merchantId, { coins: 100 });
      await h.w.services.raffles.buyTickets(h.merchantId, buyer.id, raffle.id, 3, 'admin-e2e');
      expect((await storedBalances(h.w.db, buyer.id)).balances.coins).toBe(40);

      const [list] = await manager.send('🎟 قرعه‌کشی‌ها');
      expect(list!.text).toContain(`۱. آیفون\nپایان: ${formatDateTime(closesAt, 'fa')} · بلیت‌ها: ۳`);
      expect(labels(list!)).toEqual(['✖️ لغو «آیفون»']);

      // Asked first; "no" goes back to the list and changes nothing.
      const ask = manager.button('rc:ask:');
      const confirm = await manager.pressAndWaitForEdit(ask.message, ask.data);
      expect(confirm.text).toContain('قرعه‌کشی «آیفون» با ۳ بلیت لغو شود؟');
      expect(labels(confirm)).toEqual(['بله، لغو شود', 'نه']);
      const no = manager.button('rc:no:');
      expect((await manager.pressAndWaitForEdit(no.message, no.data)).text).toContain('۱. آیفون');
      expect((await h.w.services.raffles.get(h.merchantId, raffle.id)).status).toBe('open');

      const again = manager.button('rc:ask:');
      await manager.pressAndWaitForEdit(again.message, again.data);
      const yes = manager.button('rc:yes:');
      const done = await manager.pressAndWaitForEdit(yes.message, yes.data);
      expect(done.text).toBe('✖️ قرعه‌کشی «آیفون» لغو شد؛ سکهٔ ۳ بلیت به خریدارانش برگشت و به آن‌ها خبر داده می‌شود.');
      expect(labels(done)).toEqual([]);
      expect((await h.w.services.raffles.get(h.merchantId, raffle.id)).status).toBe('cancelled');
      expect((await storedBalances(h.w.db, buyer.id)).balances.coins).toBe(100);
      expect((await audited('raffles.cancel')).map((r) => [r.allowed, r.details])).toEqual([
        [true, { title: 'آیفون', tickets: 3, refunded: 3 }],
      ]);
      expect((await manager.send('🎟 قرعه‌کشی‌ها'))[0]!.text).toBe('قرعه‌کشی بازی ندارید.');

      // A cashier cannot call a raffle off, even with the button's data.
      const other = await h.w.services.raffles.create(h.merchantId, {
        title: 'دوچرخه',
        prizes: [{ title: 'دوچرخه', count: 1 }],
        entryRule: { kind: 'purchase' },
        closesAt: closesAt.toISOString(),
      });
      const [refused] = await cashier.press(last(cashier), `rc:yes:${other.id}`);
      expect(refused!.text).toBe('⛔ این کار در دسترسی نقش شما (صندوق‌دار) نیست.');
      expect((await h.w.services.raffles.get(h.merchantId, other.id)).status).toBe('open');
    });
  });
});

async function waitForText(u: TgUser, messageId: number, text: string) {
  const deadline = Date.now() + 10_000;
  while (
    !u
      .botMessages()
      .find((m) => m.message_id === messageId)
      ?.text?.includes(text)
  ) {
    if (Date.now() > deadline)
      throw new Error(`message ${messageId} never said ${text}: ${u.botMessages().find((m) => m.message_id === messageId)?.text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
