import { Queue, type Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramNotifier } from '../../src/channels/telegram/notifier.js';
import { inboxRecorder, staffAlerts, startSurveyWorker, surveyScheduler, type SurveyJob } from '../../src/jobs/feedback-events.js';
import { telegramOperatorChat } from '../../src/channels/telegram/delivery.js';
import { QueueName } from '../../src/jobs/queues.js';
import { createLogger } from '../../src/logger.js';
import type { EventHandler } from '../../src/jobs/event-worker.js';
import { drainEvents } from '../helpers/events.js';
import { waitFor } from '../helpers/process.js';
import { waitForDrainedQueues } from '../helpers/quiet.js';
import { newPhone } from '../helpers/services.js';
import { createTelegramHarness, type TelegramHarness, type TgUser } from '../helpers/telegram.js';

let h: TelegramHarness;
let queue: Queue<SurveyJob>;
let worker: Worker<SurveyJob>;
let handlers: EventHandler[];
let member: TgUser;
let manager: TgUser;
let phone: string;
const logger = createLogger('silent');

const SETTINGS = { feedback: { postPurchase: { delayMinutes: 0, npsPercent: 0, rewardCoins: 5, ticketAtOrBelow: 2 } } };

beforeAll(async () => {
  h = await createTelegramHarness({ settings: SETTINGS });
  const s = h.w.services;
  queue = new Queue<SurveyJob>(QueueName.feedback, { connection: h.r.redis, prefix: h.r.prefix });
  worker = startSurveyWorker({ connection: h.r.redis, prefix: h.r.prefix }, { surveys: s.surveys, memberStore: s.memberStore, logger });
  handlers = [
    telegramNotifier({
      telegram: h.channel,
      members: s.members,
      memberStore: s.memberStore,
      screens: s.screens,
      settings: s.settings,
      defaultLocale: 'fa',
      logger,
    }),
    surveyScheduler(s.surveys, queue),
    inboxRecorder({ inbox: s.inbox, members: s.members, screens: s.screens, defaultLocale: 'fa' }),
    staffAlerts({ operators: s.operators, chat: telegramOperatorChat(h.channel), defaultLocale: 'fa', logger }),
  ];
  member = h.user(401, 'Sara');
  phone = newPhone();
  await member.join(phone);
  manager = h.user(402, 'Maryam');
  const { code } = await s.operators.invite(h.merchantId, 'manager', 'ونک', 'test');
  await manager.send(`/admin ${code}`, 2);
});
afterAll(async () => {
  await worker.close();
  await queue.close();
  await h.close();
});

/** Records a purchase and runs the events until the survey question has reached the member. */
async function purchaseAndSurvey(orderId: string, branch = 'ونک') {
  await h.w.services.purchases.record(h.merchantId, { orderId, phone, amount: 400_000, branch }, 'test');
  await drainEvents(h.w.db, handlers);
  await waitFor(
    async () => ((await h.w.db.pool.query('SELECT 1 FROM survey_responses WHERE subject = $1', [orderId])).rowCount ? true : undefined),
    10_000,
    50,
  );
  await drainEvents(h.w.db, handlers);
  return waitFor(
    async () =>
      member
        .botMessages()
        .find(
          (m) =>
            m.text?.includes('تجربه‌تان چطور بود') &&
            m.reply_markup?.inline_keyboard
              .flat()
              .some((b) => 'callback_data' in b && b.callback_data.includes(':5') && b.callback_data.startsWith('sv:r:')),
        ) ?? undefined,
    10_000,
    50,
  );
}

describe('post-purchase survey in Telegram', () => {
  it('asks after a credited purchase; a low rating opens a ticket, alerts the branch manager, takes a comment and pays the coins once', async () => {
    const prompt = await purchaseAndSurvey('fb-1');
    expect(prompt.text).toContain('شعبهٔ ونک');
    const stars = prompt.reply_markup!.inline_keyboard.flat().map((b) => b.text);
    expect(stars).toEqual(['⭐', '⭐⭐', '⭐⭐⭐', '⭐⭐⭐⭐', '⭐⭐⭐⭐⭐']);

    const data = member.button('sv:r:').data.replace(/:\d$/, ':2');
    const [sorry] = await member.press(prompt, data);
    expect(sorry!.text).toMatch(/متأسفیم که راضی نبودید\. تیکت شمارهٔ ۱ برایتان باز شد/);
    expect(sorry!.text).toContain('اگر نکته‌ای دارید');
    // A second tap on the stars changes nothing.
    const [again] = await member.press(prompt, data);
    expect(again!.text).toBe('این نظرسنجی قبلاً پاسخ داده شده است. ممنون 🙏');

    await drainEvents(h.w.db, handlers);
    const alert = await waitFor(async () => manager.botMessages().find((m) => m.text?.includes('امتیاز پایین')) ?? undefined, 5_000, 50);
    expect(alert.text).toBe('⚠️ امتیاز پایین (۲ از ۵) — شعبهٔ ونک — تیکت #۱ باز شد.');

    // A phone shared instead of the comment: the member is told it is known, and the comment is asked for again.
    const shared = await member.shareContact(phone, 401, 2);
    expect(shared[0]!.text).toContain('قبلاً در باشگاه ثبت شده است');
    expect(shared[1]!.text).toBe('اگر نکته‌ای دارید همین‌جا بنویسید تا به دست فروشگاه برسد؛ یا «بدون نظر» را بزنید.');
    expect(shared[1]!.reply_markup!.inline_keyboard.flat().map((b) => b.text)).toEqual(['بدون نظر']);
    const [thanks] = await member.send('صف خیلی طولانی بود');
    expect(thanks!.text).toBe('🌷 ممنون از وقتی که گذاشتید! ۵ سکه به حسابتان اضافه شد.');
    const m = (await h.w.services.members.findByPhone(h.merchantId, phone))!;
    const coins = await h.w.db.pool.query(
      "SELECT count(*)::int AS n, sum(amount)::int AS total FROM ledger_entries WHERE member_id = $1 AND reason = 'survey'",
      [m.id],
    );
    expect(coins.rows[0]).toEqual({ n: 1, total: 5 });
    const response = await h.w.db.pool.query('SELECT rating, nps, comment, completed_at FROM survey_responses WHERE subject = $1', [
      'fb-1',
    ]);
    expect(response.rows[0]).toMatchObject({ rating: 2, nps: null, comment: 'صف خیلی طولانی بود' });
    expect(response.rows[0].completed_at).not.toBeNull();
    const ticket = await h.w.db.pool.query(
      'SELECT t.number, t.branch, t.source, array_agg(m.text ORDER BY m.id) AS texts FROM tickets t JOIN ticket_messages m ON m.ticket_id = t.id WHERE t.member_id = $1 GROUP BY t.id',
      [m.id],
    );
    expect(ticket.rows).toEqual([{ number: 1, branch: 'ونک', source: 'survey', texts: ['★★☆☆☆', 'صف خیلی طولانی بود'] }]);
  });

  it('with NPS on: stars, then 0–10, then "no comment"; the same order asked again adds nothing', async () => {
    await h.w.services.settings.set(h.merchantId, { feedback: { postPurchase: { ...SETTINGS.feedback.postPurchase, npsPercent: 100 } } });
    const prompt = await purchaseAndSurvey('fb-2');
    const [nps] = await member.press(prompt, member.button('sv:r:').data.replace(/:\d$/, ':5'));
    expect(nps!.text).toBe('چقدر احتمال دارد کافه تهران را به دوستانتان پیشنهاد کنید؟ (۰ = اصلاً، ۱۰ = حتماً)');
    expect(nps!.reply_markup!.inline_keyboard.flat().map((b) => b.text)).toEqual(['۰', '۱', '۲', '۳', '۴', '۵', '۶', '۷', '۸', '۹', '۱۰']);
    const [comment] = await member.press(nps!, member.button('sv:n:').data.replace(/:\d+$/, ':9'));
    expect(comment!.text).toContain('اگر نکته‌ای دارید');
    const [thanks] = await member.press(comment!, member.button('sv:c:').data);
    expect(thanks!.text).toContain('۵ سکه');
    const row = await h.w.db.pool.query('SELECT rating, nps, comment FROM survey_responses WHERE subject = $1', ['fb-2']);
    expect(row.rows[0]).toEqual({ rating: 5, nps: 9, comment: null });

    // The same purchase replayed by the shop: no second survey.
    await h.w.services.purchases.record(h.merchantId, { orderId: 'fb-2', phone, amount: 400_000, branch: 'ونک' }, 'test');
    await drainEvents(h.w.db, handlers);
    await waitForDrainedQueues([queue]); // a second survey job would have run by now
    const count = await h.w.db.pool.query('SELECT count(*)::int AS n FROM survey_responses WHERE subject = $1', ['fb-2']);
    expect(count.rows[0].n).toBe(1);
  });
});

describe('support tickets in Telegram', () => {
  it('a member opens a ticket from the menu; the manager answers from admin mode; the member replies back; the manager closes it', async () => {
    const [categories] = await member.send('🆘 پشتیبانی');
    expect(categories!.text).toContain('موضوع پیام را انتخاب کنید');
    expect(categories!.reply_markup!.inline_keyboard.flat().map((b) => b.text)).toEqual([
      'سفارش و خرید',
      'امتیاز و جوایز',
      'پیشنهاد و انتقاد',
      'سایر',
      '🎫 تیکت‌های من',
    ]);
    const [ask] = await member.press(categories!, 'tk:n:1');
    expect(ask!.text).toBe('پیامتان را دربارهٔ «امتیاز و جوایز» بنویسید (می‌توانید عکس هم بفرستید):');
    // A phone shared instead of the message: said to be known, and the same question asked again.
    const shared = await member.shareContact(phone, 401, 2);
    expect(shared[0]!.text).toContain('قبلاً در باشگاه ثبت شده است');
    expect(shared[1]!.text).toBe(ask!.text);
    const [opened] = await member.send('امتیاز خرید دیروزم نیامده');
    expect(opened!.text).toBe('✅ تیکت شمارهٔ ۲ ثبت شد. پاسخ همکاران ما همین‌جا به شما می‌رسد.');

    await drainEvents(h.w.db, handlers);
    await waitFor(async () => manager.botMessages().find((m) => m.text?.startsWith('🆕 تیکت تازه #۲')) ?? undefined, 5_000, 50);

    const [list] = await manager.send('🎫 تیکت‌ها');
    // The member skipped their name: the member code stands in.
    expect(list!.text).toMatch(/#۲ امتیاز و جوایز — [A-Z0-9]{7} \(در انتظار پاسخ\)/);
    expect(list!.text).toMatch(/#۱ امتیاز پایین به خرید — شعبهٔ ونک — [A-Z0-9]{7}/);
    const open2 = list!.reply_markup!.inline_keyboard.flat().find((b) => b.text.startsWith('#۲')) as { callback_data: string };
    const [view] = await manager.press(list!, open2.callback_data);
    expect(view!.text).toContain('امتیاز خرید دیروزم نیامده');
    const ticketId = manager.button('at:r:').data.slice(5);
    const [ask2] = await manager.press(view!, `at:r:${ticketId}`);
    expect(ask2!.text).toContain('پاسخ به تیکت #۲');
    const [replied] = await manager.send('بررسی شد و ۴۰ امتیاز اضافه شد');
    expect(replied!.text).toBe('✅ پاسخ برای مشتری فرستاده شد (تیکت #۲).');

    await drainEvents(h.w.db, handlers);
    const answer = await waitFor(
      async () => member.botMessages().find((m) => m.text?.startsWith('💬 پاسخ پشتیبانی به تیکت #۲')) ?? undefined,
      5_000,
      50,
    );
    expect(answer.text).toContain('بررسی شد و ۴۰ امتیاز اضافه شد');
    const [askReply] = await member.press(answer, `tk:r:${ticketId}`);
    expect(askReply!.text).toBe('پاسخ خود را برای تیکت #۲ بنویسید:');
    expect((await member.send('ممنون، رسید'))[0]!.text).toBe('✅ پیامتان به تیکت #۲ اضافه شد.');
    await drainEvents(h.w.db, handlers);
    await waitFor(async () => manager.botMessages().find((m) => m.text?.includes('مشتری به تیکت #۲ پاسخ داد')) ?? undefined, 5_000, 50);

    const [closed] = await manager.press(view!, `at:c:${ticketId}`);
    expect(closed!.text).toBe('✅ تیکت #۲ بسته شد.');
    await drainEvents(h.w.db, handlers);
    await waitFor(async () => member.botMessages().find((m) => m.text === '✅ تیکت #۲ توسط پشتیبانی بسته شد.') ?? undefined, 5_000, 50);

    const t = await h.w.db.pool.query('SELECT status, first_response_at IS NOT NULL AS answered FROM tickets WHERE id = $1', [ticketId]);
    expect(t.rows[0]).toEqual({ status: 'closed', answered: true });
    // The member's "my tickets" shows both, the survey's and their own.
    const [mine] = await member.send('/support');
    const [listed] = await member.press(mine!, 'tk:mine');
    expect(listed!.text).toContain('#۲ — امتیاز و جوایز — بسته');
    expect(listed!.text).toContain('#۱ — امتیاز پایین به خرید');
  });

  it('"my messages" lists what the club told the member, with Jalali dates', async () => {
    const [inbox] = await member.send('📬 پیام‌های من');
    expect(inbox!.text).toContain('📬 آخرین پیام‌های شما در کافه تهران');
    expect(inbox!.text).toContain('💬 پاسخ پشتیبانی به تیکت #۲');
    expect(inbox!.text).toContain('خرید ۴۰۰٬۰۰۰ تومان شما ثبت شد');
    expect(inbox!.text).toMatch(/🗓 [۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}، [۰-۹]{2}:[۰-۹]{2}/);
  });

  it('a cashier cannot see tickets; the server refuses', async () => {
    const cashier = h.user(403, 'Cashier');
    const { code } = await h.w.services.operators.invite(h.merchantId, 'cashier', 'ونک', 'test');
    await cashier.send(`/admin ${code}`, 2);
    expect((await cashier.send('🎫 تیکت‌ها'))[0]!.text).toBe('⛔ این کار در دسترسی نقش شما (صندوق‌دار) نیست.');
  });
});
