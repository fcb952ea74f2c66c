import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { drainEvents } from '../helpers/events.js';
import { createTelegramHarness, harnessNotifier, type TelegramHarness, type TgUser } from '../helpers/telegram.js';
import { newPhone, storedBalances } from '../helpers/services.js';

let h: TelegramHarness;
let u: TgUser;
let memberId: string;
const logger = createLogger('silent');

beforeAll(async () => {
  h = await createTelegramHarness({ wheelFrameMs: 5 });
  u = h.user(701, 'Sara');
  await u.join(newPhone());
  memberId = (await h.w.services.members.findByIdentity(h.merchantId, 'telegram', '701'))!.id;
  await h.w.services.ledger.adjust({
    merchantId: h.merchantId,
    memberId,
    currency: 'coins',
    amount: 200,
    reason: 'bonus',
    idempotencyKey: 'coins-701',
    actor: 'test',
  });
  await h.w.services.ledger.adjust({
    merchantId: h.merchantId,
    memberId,
    currency: 'points',
    amount: 1000,
    reason: 'bonus',
    idempotencyKey: 'points-701',
    actor: 'test',
  });
  await drainEvents(h.w.db, []); // the seeding is not news
});
afterAll(() => h.close());

const notify = () => drainEvents(h.w.db, [harnessNotifier(h)]);
const coins = async () => (await storedBalances(h.w.db, memberId)).balances.coins;

describe('rewards in the Telegram bot', () => {
  it('the main menu offers the wheel, gifts, vouchers and raffles', () => {
    expect(u.keyboardLabels()).toEqual(expect.arrayContaining(['🎡 گردونه شانس', '🎁 هدایا', '🏷 کدهای تخفیف', '🎟 قرعه‌کشی']));
  });

  it('the wheel: cost and prizes shown, the spin animates then shows the prize; a double tap spins once', async () => {
    await h.w.services.wheel.replace(h.merchantId, {
      costCoins: 10,
      perDay: 2,
      prizes: [
        { label: '۵۰ سکه', kind: 'coins', amount: 50, weight: 1 },
        { label: 'پوچ', kind: 'nothing', weight: 1, stock: 0 },
      ],
    });
    const [wheel] = await u.send('🎡 گردونه شانس');
    expect(wheel!.text).toContain('🎡 گردونه شانس کافه تهران');
    expect(wheel!.text).toContain('💸 هزینهٔ هر چرخش: ۱۰ سکه (سکه‌های شما: ۲۰۰)');
    expect(wheel!.text).toContain('🔄 چرخش باقی‌مانده: ۲');
    const spin = u.button('wheel:spin:');
    const [frames, result] = await u.press(spin.message, spin.data, 2);
    expect(frames!.text).toContain('⟵ ۵۰ سکه ⟶'); // arrows point at the prize when read right to left; the animation stops on the prize drawn before it started
    expect(frames!.edited).toBe(true);
    expect(result!.text).toContain('🎉 تبریک! برنده شدید: ۵۰ سکه');
    expect(result!.text).toContain('۲۴۰ سکه');
    expect(await coins()).toBe(240);

    const before = u.botMessages().length;
    const tap = h.api.pressButton(h.token, u.user, spin.message.message_id, spin.data); // the same button again
    await u.handled();
    expect(u.botMessages()).toHaveLength(before);
    expect(h.api.transcript(h.token, u.user.id).answers.find((a) => a.callbackQueryId === tap.callback_query!.id)?.text).toBe(
      'این چرخش قبلاً انجام شده است.',
    );
    expect(await coins()).toBe(240);

    const again = u.button('wheel:spin:');
    expect(again.data).not.toBe(spin.data);
    const [, second] = await u.press(again.message, again.data, 2);
    expect(second!.reply_markup).toBeUndefined(); // that was the last spin of the day
    expect(await coins()).toBe(280);
    const [limited] = await u.send('/wheel');
    expect(limited!.text).toContain('🌙');
    expect(limited!.reply_markup).toBeUndefined();
  });

  it('gifts: pages, what the member can afford, a request that holds the cost, and news at each step', async () => {
    for (let i = 1; i <= 7; i++)
      await h.w.services.gifts.create(h.merchantId, {
        title: `هدیه ${i}`,
        costCurrency: 'coins',
        cost: i === 7 ? 5000 : 20,
        position: i,
        description: i === 1 ? 'ماگ سرامیکی' : undefined,
      });
    const [catalog] = await u.send('🎁 هدایا');
    expect(catalog!.text).toContain('۱. هدیه 1 — ۲۰ سکه ✅');
    expect(catalog!.text).toContain('صفحهٔ ۱ از ۲');
    const next = u.button('gift:p:2');
    const page2 = await u.pressAndWaitForEdit(next.message, next.data);
    expect(page2.text).toContain('۷. هدیه 7 — ۵٬۰۰۰ سکه 🔒');

    const back = u.button('gift:p:1');
    await u.pressAndWaitForEdit(back.message, back.data);
    const view = u.button('gift:v:');
    const detail = await u.pressAndWaitForEdit(view.message, view.data);
    expect(detail.text).toContain('ماگ سرامیکی');
    expect(detail.text).toContain('💰 هزینه: ۲۰ سکه');
    // Requesting asks first: nothing is spent before "yes"; cancel spends nothing.
    const ask = u.button('gift:r:');
    const asked = await u.pressAndWaitForEdit(ask.message, ask.data);
    expect(asked.text).toBe('🎁 «هدیه 1» را با ۲۰ سکه درخواست می‌کنید؟\nموجودی شما: ۲۸۰ سکه');
    expect(await coins()).toBe(280);
    const cancel = u.button('gift:no');
    expect((await u.pressAndWaitForEdit(cancel.message, cancel.data)).text).toBe('انصراف داده شد؛ سکه‌ای کم نشد.');
    expect(await coins()).toBe(280);
    const again = await u.pressAndWaitForEdit(detail, view.data);
    expect(again.text).toContain('💰 هزینه: ۲۰ سکه');
    await u.pressAndWaitForEdit(again, u.button('gift:r:').data);
    const request = u.button('gift:ok:');
    const done = await u.pressAndWaitForEdit(request.message, request.data);
    expect(done.text).toContain('✅ درخواست «هدیه 1» ثبت شد و ۲۰ سکه از حسابتان کسر شد.');
    h.api.pressButton(h.token, u.user, request.message.message_id, request.data); // a late second tap
    await u.handled();
    expect(await coins()).toBe(260); // 280 − 20, once
    const [req] = await h.w.services.gifts.requests(h.merchantId, { memberId });
    expect(req).toMatchObject({ status: 'requested' });

    const mine = u.button('gift:mine');
    const list = await u.pressAndWaitForEdit(mine.message, mine.data);
    expect(list.text).toContain('• هدیه 1 — ⏳ در انتظار بررسی');

    await h.w.services.gifts.ship(h.merchantId, req!.id, 'پست ۱۲۳۴۵');
    const lastId = u.botMessages().at(-1)!.message_id;
    await notify();
    const news = u
      .botMessages()
      .filter((m) => m.message_id > lastId)
      .map((m) => m.text);
    expect(news).toEqual(['📦 هدیهٔ «هدیه 1» برایتان ارسال شد.\nکد رهگیری: پست ۱۲۳۴۵']);

    const second = (
      await h.w.services.gifts.request(
        h.merchantId,
        await h.w.services.members.get(h.merchantId, memberId),
        (await h.w.services.gifts.list(h.merchantId))[1]!.id,
        'second',
      )
    ).request;
    await h.w.services.gifts.reject(h.merchantId, second.id, 'تمام شد');
    const beforeReject = u.botMessages().at(-1)!.message_id;
    await notify();
    const rejected = u
      .botMessages()
      .filter((m) => m.message_id > beforeReject)
      .map((m) => m.text);
    expect(rejected).toEqual(['متأسفانه درخواست هدیهٔ «هدیه 2» پذیرفته نشد.\nدلیل: تمام شد\n↩️ ۲۰ سکه به حسابتان برگشت.']);
    expect(await coins()).toBe(260);
  });

  it('vouchers: buy one with coins after confirming, then see it with its Jalali expiry', async () => {
    await h.w.services.vouchers.createCampaign(h.merchantId, {
      name: '15%',
      kind: 'percent',
      value: 15,
      maxDiscount: 100_000,
      coinPrice: 30,
      validTo: '1405/12/29',
    });
    const [empty] = await u.send('🏷 کدهای تخفیف');
    expect(empty!.text).toContain('هنوز کد تخفیفی ندارید');
    const offer = u.button('vch:b:');
    const [confirm] = await u.press(offer.message, offer.data);
    expect(confirm!.text).toBe('۱۵٪ تخفیف تا سقف ۱۰۰٬۰۰۰ تومان را با ۳۰ سکه می‌خرید؟\nسکه‌های شما: ۲۶۰');
    const no = u.button('vch:no');
    expect((await u.pressAndWaitForEdit(no.message, no.data)).text).toBe('انصراف داده شد؛ سکه‌ای کم نشد.');
    expect(await coins()).toBe(260);

    // A double tap opens two prompts: the second replaces the first, and confirming both buys once.
    const [first] = await u.press(offer.message, offer.data);
    const [second] = await u.press(offer.message, offer.data);
    const yesOf = (m: typeof first) =>
      m!.reply_markup!.inline_keyboard.flat().find((b) => 'callback_data' in b && b.callback_data.startsWith('vch:ok:'))!;
    const firstYes = yesOf(first) as { callback_data: string };
    const secondYes = yesOf(second) as { callback_data: string };
    expect(firstYes.callback_data).not.toBe(secondYes.callback_data);
    const stale = await u.pressAndWaitForEdit(first!, firstYes.callback_data);
    expect(stale.text).toBe('این پیشنهاد با پیشنهاد تازه‌تری جایگزین شده است و چیزی کم نشد؛ از آخرین پیام تأیید استفاده کنید.');
    expect(await coins()).toBe(260);
    const bought = await u.pressAndWaitForEdit(second!, secondYes.callback_data);
    const code = /کد تخفیف شما: ([A-Z0-9]+)/.exec(bought.text!)![1]!;
    expect(await coins()).toBe(230);
    expect(await h.w.services.vouchers.memberVouchers(h.merchantId, memberId)).toHaveLength(1);
    const [mine] = await u.send('/vouchers');
    expect(mine!.text).toContain(`• ${code} — ۱۵٪ تخفیف تا سقف ۱۰۰٬۰۰۰ تومان`);
    expect(mine!.text).toContain('معتبر تا ۱۴۰۵/۱۲/۲۹');
  });

  it('raffles: tickets bought with coins, the fingerprint of the seed, and the winner told in chat', async () => {
    const raffle = await h.w.services.raffles.create(h.merchantId, {
      title: 'یلدا',
      prizes: [{ title: 'سینما خانگی', count: 1 }],
      entryRule: { kind: 'coins', price: 5 },
      closesAt: new Date(h.w.clock.now().getTime() + 3_600_000).toISOString(),
    });
    const [list] = await u.send('🎟 قرعه‌کشی');
    expect(list!.text).toContain('🎟 یلدا');
    expect(list!.text).toContain('هر بلیت ۵ سکه');
    expect(list!.text).toContain(`🔐 اثر انگشت بذر قرعه‌کشی: ${raffle.seedHash.slice(0, 16)}…`);
    expect(list!.text).toContain('🎫 بلیت‌های شما: هنوز بلیتی ندارید');
    const five = u.button(`raf:b:${raffle.id}:5`);
    const [confirm] = await u.press(five.message, five.data);
    expect(confirm!.text).toContain('۵ بلیت «یلدا» را با ۲۵ سکه می‌خرید؟');
    const yes = u.button('raf:ok:');
    const bought = await u.pressAndWaitForEdit(yes.message, yes.data);
    expect(bought.text).toContain('۱، ۲، ۳، ۴، ۵');
    expect(await coins()).toBe(205);
    const [mine] = await u.send('/raffles');
    expect(mine!.text).toContain('🎫 بلیت‌های شما: ۵ بلیت');

    h.w.clock.advance(3_600_000);
    await h.w.services.raffles.draw(h.merchantId, raffle.id);
    const lastId = u.botMessages().at(-1)!.message_id;
    await notify();
    const told = u
      .botMessages()
      .filter((m) => m.message_id > lastId)
      .map((m) => m.text);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^🎉 تبریک! در قرعه‌کشی «یلدا» برندهٔ «سینما خانگی» شدید \(بلیت شمارهٔ [۱-۵]\)/);
    const [results] = await u.send('/raffles');
    expect(results!.text).toContain('🎉 شما هم برنده شدید!');
  });
});
