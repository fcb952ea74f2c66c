import { Queue, type Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/chat/i18n.js';
import { campaignMessageScreen } from '../../src/chat/screens/campaign-screens.js';
import { whatsappDelivery } from '../../src/channels/whatsapp/delivery.js';
import { chatIdOf } from '../../src/channels/whatsapp/client.js';
import { WhatsAppRateLimiter } from '../../src/jobs/whatsapp-rate-limit.js';
import { inboxRecorder, startSurveyWorker, surveyScheduler, type SurveyJob } from '../../src/jobs/feedback-events.js';
import { QueueName } from '../../src/jobs/queues.js';
import { createLogger } from '../../src/logger.js';
import { waitFor } from '../helpers/process.js';
import { newPhone } from '../helpers/services.js';
import { createWhatsAppHarness, type WaUser, type WhatsAppHarness } from '../helpers/whatsapp.js';

let h: WhatsAppHarness;
let sender: { stop(): Promise<void> };
let queue: Queue<SurveyJob>;
let worker: Worker<SurveyJob>;
let sara: WaUser;
let phone: string;
const t = translator('fa');

async function drain() {
  const s = h.w.services;
  await h.drain([
    surveyScheduler(s.surveys, queue),
    inboxRecorder({ inbox: s.inbox, members: s.members, screens: s.screens, defaultLocale: 'fa' }),
  ]);
}

beforeAll(async () => {
  h = await createWhatsAppHarness({ settings: { feedback: { postPurchase: { delayMinutes: 0, npsPercent: 0, rewardCoins: 0 } } } });
  sender = await h.startSender(10);
  queue = new Queue<SurveyJob>(QueueName.feedback, { connection: h.r.redis, prefix: h.r.prefix });
  worker = startSurveyWorker(
    { connection: h.r.redis, prefix: h.r.prefix },
    { surveys: h.w.services.surveys, memberStore: h.w.services.memberStore, logger: createLogger('silent') },
  );
  phone = newPhone();
  sara = h.user(phone, 'سارا');
  await sara.send('سلام');
  for (let i = 0; i < 5; i++) await sara.send('0');
});
afterAll(async () => {
  await worker.close();
  await queue.close();
  await sender.stop();
  await h.close();
});

describe('feedback and support on WhatsApp', () => {
  it('the post-purchase question comes with numbered stars; "1" is one star; a comment closes it', async () => {
    await h.api.webhook('/v1/webhooks/purchases', { orderId: 'wa-fb-1', phone, amount: 200_000, branch: 'ونک' });
    await drain();
    await waitFor(
      async () => ((await h.w.db.pool.query("SELECT 1 FROM survey_responses WHERE subject = 'wa-fb-1'")).rowCount ? true : undefined),
      10_000,
      50,
    );
    await drain();
    const prompt = await waitFor(async () => (await sara.inbox(2000)).find((m) => m.text.includes('تجربه‌تان چطور بود')), 10_000, 50);
    expect(prompt.text).toContain('۱. ⭐\n۲. ⭐⭐\n۳. ⭐⭐⭐\n۴. ⭐⭐⭐⭐\n۵. ⭐⭐⭐⭐⭐');

    const sorry = await sara.send('۱');
    expect(sorry[0]).toContain('تیکت شمارهٔ ۱ برایتان باز شد');
    expect(sorry[0]).toContain('بدون نظر');
    expect(await sara.send('کارت‌خوان خراب بود')).toEqual([expect.stringContaining(t('survey.thanks'))]);
    const row = await h.w.db.pool.query("SELECT rating, comment FROM survey_responses WHERE subject = 'wa-fb-1'");
    expect(row.rows[0]).toEqual({ rating: 1, comment: 'کارت‌خوان خراب بود' });
  });

  it('support by numbers: open a ticket, get the answer, reply back; "my messages" keeps the answer', async () => {
    const menu = (await sara.send('منو'))[0]!;
    expect(menu).toContain('۱۱. 🆘 پشتیبانی');
    expect(menu).toContain('۱۲. 📬 پیام‌های من');
    const categories = (await sara.send('۱۱'))[0]!;
    expect(categories).toContain('۳. پیشنهاد و انتقاد');
    expect((await sara.send('3'))[0]).toContain('پیامتان را دربارهٔ «پیشنهاد و انتقاد» بنویسید');
    expect((await sara.send('لطفاً شیر گیاهی هم داشته باشید'))[0]).toContain('✅ تیکت شمارهٔ ۲ ثبت شد');

    const ticket = (await h.w.db.pool.query('SELECT id FROM tickets WHERE number = 2 AND merchant_id = $1', [h.merchantId])).rows[0];
    const op = await h.w.services.operators.invite(h.merchantId, 'owner', null, 'test');
    const owner = await h.w.services.operators.link(h.merchantId, op.code, '5551', 'Owner');
    await h.w.services.tickets.staffReply(h.merchantId, owner.id, ticket.id, 'از هفتهٔ بعد داریم 🌱');
    await drain();
    const reply = await waitFor(async () => (await sara.inbox(2000)).find((m) => m.text.includes('پاسخ پشتیبانی به تیکت #۲')), 10_000, 50);
    expect(reply.text).toContain('از هفتهٔ بعد داریم');
    expect(reply.text).toContain('۱. ✍️ پاسخ');

    // The numbers now answer the support message.
    expect((await sara.send('1'))[0]).toContain(t('support.ask_reply', { number: '۲' }));
    expect((await sara.send('عالی، ممنون'))[0]).toContain('✅ پیامتان به تیکت #۲ اضافه شد');
    const messages = await h.w.db.pool.query('SELECT author, text FROM ticket_messages WHERE ticket_id = $1 ORDER BY id', [ticket.id]);
    expect(messages.rows.map((r) => r.author)).toEqual(['member', 'staff', 'member']);

    const inbox = (await sara.send('۱۲'))[0]!;
    expect(inbox).toContain('💬 پاسخ پشتیبانی به تیکت #۲');
  });

  it('a survey sent in a campaign starts with its number and walks the questions', async () => {
    const s = h.w.services;
    const survey = await s.surveys.create(h.merchantId, {
      title: 'شعبهٔ تازه',
      questions: [
        { kind: 'choice', text: 'از کدام شعبه خرید می‌کنید؟', options: ['ونک', 'تجریش'] },
        { kind: 'text', text: 'چه چیزی کم است؟' },
      ],
    });
    const c = await s.screens.context(h.merchantId, 'fa');
    const limiter = new WhatsAppRateLimiter(h.r.redis, h.r.prefix, { intervalMs: 10, coldPerHour: 120 });
    const screen = campaignMessageScreen(
      { text: 'نظرسنجی کوتاه', surveyId: survey.id },
      { firstName: 'سارا', points: 0, coins: 0 },
      { clubLink: null },
      c,
    );
    await whatsappDelivery(h.channel, limiter, h.w.services.shortLinks).send(h.merchantId, chatIdOf(phone), screen, c);
    const sent = (await sara.inbox(2000)).at(-1)!;
    expect(sent.text).toContain('۱. 📝 شرکت در نظرسنجی');
    expect(sent.text).toContain('«لغو»');

    const q1 = (await sara.send('1'))[0]!;
    expect(q1).toContain('پرسش ۱ از ۲');
    expect(q1).toContain('۲. تجریش');
    expect((await sara.send('۲'))[0]).toContain('چه چیزی کم است؟');
    expect((await sara.send('پارکینگ'))[0]).toContain(t('survey.done', { title: 'شعبهٔ تازه' }));
    const results = await s.surveys.results(h.merchantId, survey.id);
    expect(results.questions.map((q) => q.counts ?? q.texts)).toEqual([{ ونک: 0, تجریش: 1 }, ['پارکینگ']]);
  });

  it('a star question asks again after an answer that is none of its options; on the 0–10 scale the typed number is the score', async () => {
    const s = h.w.services;
    const c = await s.screens.context(h.merchantId, 'fa');
    const limiter = new WhatsAppRateLimiter(h.r.redis, h.r.prefix, { intervalMs: 10, coldPerHour: 120 });
    const send = async (surveyId: string) => {
      const screen = campaignMessageScreen(
        { text: 'نظرسنجی کوتاه', surveyId },
        { firstName: 'سارا', points: 0, coins: 0 },
        { clubLink: null },
        c,
      );
      await whatsappDelivery(h.channel, limiter, h.w.services.shortLinks).send(h.merchantId, chatIdOf(phone), screen, c);
      await sara.inbox(2000);
    };
    const survey = await s.surveys.create(h.merchantId, {
      title: 'کیفیت',
      questions: [
        { kind: 'rating', text: 'کیفیت قهوه؟' },
        { kind: 'nps', text: 'ما را به دوستانتان پیشنهاد می‌کنید؟' },
      ],
    });
    await send(survey.id);
    expect((await sara.send('1'))[0]).toContain('پرسش ۱ از ۲');
    for (const wrong of ['7', 'خیلی خوب']) {
      const again = await sara.send(wrong);
      expect(again[0]).toBe(t('whatsapp.hint'));
      expect(again[1]).toContain('پرسش ۱ از ۲');
    }
    const nps = (await sara.send('۴'))[0]!;
    expect(nps).toContain('پرسش ۲ از ۲');
    expect(nps).toContain('۰ · ۱ · ۲ · ۳ · ۴ · ۵ · ۶ · ۷ · ۸ · ۹ · ۱۰');
    expect(nps).toContain(t('whatsapp.score_hint'));
    expect((await sara.send('10'))[0]).toContain(t('survey.done', { title: 'کیفیت' }));
    expect((await s.surveys.results(h.merchantId, survey.id)).questions.map((q) => q.average)).toEqual([4, 10]);

    // 0 is a score here, not the menu.
    const zero = await s.surveys.create(h.merchantId, { title: 'صفر', questions: [{ kind: 'nps', text: 'ما را پیشنهاد می‌کنید؟' }] });
    await send(zero.id);
    await sara.send('1');
    expect((await sara.send('۰'))[0]).toContain(t('survey.done', { title: 'صفر' }));
    expect((await s.surveys.results(h.merchantId, zero.id)).questions[0]).toMatchObject({ average: 0, nps: -100 });
  });

  it('after a notification without options, the numbers are the main menu’s again, not the screen before it', async () => {
    const language = (await sara.send('9'))[0]!; // the language screen: 1 = فارسی
    expect(language).toContain('۱. ');
    await h.api.webhook('/v1/webhooks/purchases', { orderId: 'wa-fb-reset', phone, amount: 100_000 });
    await h.drain(); // notifications only: no survey is scheduled here
    await waitFor(async () => (await sara.inbox(2000)).find((m) => m.text.includes('۱۰۰٬۰۰۰ تومان')), 10_000, 50);
    expect((await sara.send('1'))[0]).toContain('💳 کارت باشگاه');
  });
});
