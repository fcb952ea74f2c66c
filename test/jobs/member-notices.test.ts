import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramNotices } from '../../src/channels/telegram/notifier.js';
import { whatsappNotices } from '../../src/channels/whatsapp/notifier.js';
import { memberNotifier } from '../../src/jobs/member-notices.js';
import { createLogger } from '../../src/logger.js';
import { drainEvents } from '../helpers/events.js';
import { newPhone } from '../helpers/services.js';
import { waitForDrainedQueues } from '../helpers/quiet.js';
import { createTelegramHarness, type TelegramHarness, type TgUser } from '../helpers/telegram.js';
import { attachWhatsApp } from '../helpers/whatsapp.js';
import { stripIsolates } from '../../src/chat/bidi.js';

let h: TelegramHarness;
let wa: Awaited<ReturnType<typeof attachWhatsApp>>;
let sender: Awaited<ReturnType<typeof wa.startSender>>;
let tg: TgUser;
let phone: string;
let memberId: string;

beforeAll(async () => {
  h = await createTelegramHarness();
  wa = await attachWhatsApp(h.w, h.r, h.merchantId);
  sender = await wa.startSender(10);
  phone = newPhone();
  tg = h.user(611, 'Sara');
  await tg.join(phone);
  memberId = (await h.w.services.members.findByPhone(h.merchantId, phone))!.id;
});
afterAll(async () => {
  await wa.close();
  await h.close();
});

/** The worker role's notifier: Telegram and WhatsApp behind one handler. */
async function notify() {
  const s = h.w.services;
  const logger = createLogger('silent');
  await drainEvents(h.w.db, [
    memberNotifier({
      memberStore: s.memberStore,
      channels: [
        telegramNotices({
          telegram: h.channel,
          members: s.members,
          memberStore: s.memberStore,
          screens: s.screens,
          settings: s.settings,
          defaultLocale: 'fa',
          logger,
        }),
        whatsappNotices({
          outbox: wa.outbox,
          merchants: s.merchants,
          members: s.members,
          memberStore: s.memberStore,
          screens: s.screens,
          settings: s.settings,
          shortLinks: s.shortLinks,
          defaultLocale: 'fa',
        }),
      ],
    }),
  ]);
  await waitForDrainedQueues([sender.queue]); // a WhatsApp copy would have been sent by now
}

const onTelegram = (needle: string) => tg.botMessages().filter((m) => (m.text ?? m.caption ?? '').includes(needle)).length;
const onWhatsApp = async (needle: string) =>
  (await wa.local.messages(h.merchantId, phone)).filter((m) => m.direction === 'out' && stripIsolates(m.text).includes(needle)).length;
const buy = (orderId: string, amount: number) => h.w.services.purchases.record(h.merchantId, { orderId, phone, amount }, 'test');

describe('a member on Telegram and WhatsApp gets each notice once, where they wrote last', () => {
  it('a purchase is told once, on the channel used last; writing on the other moves the next notice there', async () => {
    h.w.clock.advance(60_000);
    await wa.local.receive(h.merchantId, phone, 'سلام'); // the same phone on WhatsApp: linked, and used last
    expect((await h.w.services.memberStore.identities(memberId)).map((i) => i.channel).sort()).toEqual(['telegram', 'whatsapp']);

    await buy('both-1', 120_000);
    await notify();
    expect(await onWhatsApp('۱۲۰٬۰۰۰')).toBe(1);
    expect(onTelegram('۱۲۰٬۰۰۰')).toBe(0);

    h.w.clock.advance(60_000);
    await tg.send('💰 موجودی من');
    await buy('both-2', 130_000);
    await notify();
    expect(onTelegram('۱۳۰٬۰۰۰')).toBe(1);
    expect(await onWhatsApp('۱۳۰٬۰۰۰')).toBe(0);

    // The post-purchase survey follows the same rule: one question, on Telegram.
    await h.w.services.surveys.openPostPurchase(h.merchantId, memberId, 'both-2', null);
    await notify();
    expect(onTelegram('تجربه‌تان چطور بود')).toBe(1);
    expect(await onWhatsApp('تجربه‌تان چطور بود')).toBe(0);
  });

  it('when the chat used last cannot be reached, the notice goes to the other channel', async () => {
    h.api.setBlocked(h.token, 611, true);
    await buy('both-3', 140_000);
    await notify();
    expect(await onWhatsApp('۱۴۰٬۰۰۰')).toBe(1);
    expect((await h.w.services.memberStore.identities(memberId)).find((i) => i.channel === 'telegram')!.unreachableAt).not.toBeNull();
  });
});
