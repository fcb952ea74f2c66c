import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramNotices } from '../../src/channels/telegram/notifier.js';
import { whatsappNotices } from '../../src/channels/whatsapp/notifier.js';
import { memberNotifier, NoticeRegistry, type NoticeChannel } from '../../src/jobs/member-notices.js';
import { createLogger } from '../../src/logger.js';
import { drainEvents } from '../helpers/events.js';
import { newPhone } from '../helpers/services.js';
import { waitForDrainedQueues } from '../helpers/quiet.js';
import type { TelegramHarness, TgUser } from '../helpers/telegram.js';
import { createTelegramAndWhatsApp, type attachWhatsApp } from '../helpers/whatsapp.js';
import { stripIsolates } from '../../src/chat/bidi.js';
import { fakeNoticeChannel } from '../helpers/fake-notice-channel.js';

let h: TelegramHarness;
let wa: Awaited<ReturnType<typeof attachWhatsApp>>;
let sender: Awaited<ReturnType<typeof wa.startSender>>;
let tg: TgUser;
let phone: string;
let memberId: string;

let close: () => Promise<void>;

beforeAll(async () => {
  ({ h, wa, tg, phone, memberId, close } = await createTelegramAndWhatsApp(611));
  sender = await wa.startSender(10);
});
afterAll(() => close());

/** The worker role's notifier: Telegram and WhatsApp (and any other channels given) behind one handler. */
async function notify(...more: NoticeChannel[]) {
  const s = h.w.services;
  const logger = createLogger('silent');
  await drainEvents(h.w.db, [
    memberNotifier({
      memberStore: s.memberStore,
      registry: new NoticeRegistry([
        ...more,
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
      ]),
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

describe('a member on Telegram and Bale gets one notice', () => {
  let sara: TgUser;
  let saraPhone: string;
  let saraId: string;
  const buyAs = (orderId: string, amount: number) =>
    h.w.services.purchases.record(h.merchantId, { orderId, phone: saraPhone, amount }, 'test');
  const saraOnTelegram = (needle: string) => sara.botMessages().filter((m) => (m.text ?? m.caption ?? '').includes(needle)).length;
  const about = (bale: ReturnType<typeof fakeNoticeChannel>, orderId: string) =>
    bale.sent.filter((x) => x.event.type === 'purchase.recorded' && x.event.payload.order_id === orderId).length;

  beforeAll(async () => {
    saraPhone = newPhone();
    sara = h.user(612, 'Sara2');
    await sara.join(saraPhone);
    saraId = (await h.w.services.members.findByPhone(h.merchantId, saraPhone))!.id;
    // The same phone opens the club's Bale bot later: one member, two chats.
    h.w.clock.advance(60_000);
    await h.w.services.members.register({
      merchantId: h.merchantId,
      phone: saraPhone,
      channel: 'bale',
      externalUserId: '9612',
      chatId: '9612',
    });
    await h.w.services.memberStore.markSeen(h.merchantId, 'bale', '9612');
  });

  it('goes to the chat used last (Bale) once, not to Telegram too', async () => {
    const bale = fakeNoticeChannel('bale');
    await buyAs('bale-1', 150_000);
    await notify(bale);
    expect(about(bale, 'bale-1')).toBe(1);
    expect(bale.sent[0]!.to.identity?.chatId).toBe('9612');
    expect(saraOnTelegram('۱۵۰٬۰۰۰')).toBe(0);
  });

  it('goes to the preferred channel (Telegram) once, though Bale was used last', async () => {
    await h.w.services.members.setPreferredChannel(h.merchantId, saraId, 'telegram');
    const bale = fakeNoticeChannel('bale');
    await buyAs('bale-2', 160_000);
    await notify(bale);
    expect(saraOnTelegram('۱۶۰٬۰۰۰')).toBe(1);
    expect(bale.tried).toHaveLength(0);
  });

  it('falls to Bale once when Telegram is blocked; the next notice goes straight to Bale', async () => {
    h.api.setBlocked(h.token, 612, true);
    const bale = fakeNoticeChannel('bale');
    await buyAs('bale-3', 170_000);
    await notify(bale);
    expect(about(bale, 'bale-3')).toBe(1);
    expect(saraOnTelegram('۱۷۰٬۰۰۰')).toBe(0);
    expect((await h.w.services.memberStore.identities(saraId)).find((i) => i.channel === 'telegram')!.unreachableAt).not.toBeNull();
  });

  it('a Bale that is blocked too falls to SMS; a club without Bale here skips it', async () => {
    const bale = fakeNoticeChannel('bale', { outcome: () => 'unreachable' });
    const sms = fakeNoticeChannel('sms');
    await buyAs('bale-4', 180_000);
    await notify(bale, sms);
    expect(bale.sent).toHaveLength(0);
    expect(sms.sent.filter((x) => x.event.type === 'purchase.recorded')).toHaveLength(1);
    expect(sms.sent[0]!.to).toMatchObject({ phone: saraPhone, identity: null });
    expect((await h.w.services.memberStore.identities(saraId)).find((i) => i.channel === 'bale')!.unreachableAt).not.toBeNull();

    // Bale is unreachable now and the club has no SMS: nothing is sent, nothing throws.
    const none = fakeNoticeChannel('sms', { ready: () => false });
    await buyAs('bale-5', 190_000);
    await notify(none);
    expect(none.tried).toHaveLength(0);
  });
});

describe('what each channel answers decides the next step', () => {
  it('"failed" (the channel cannot take it) hands the notice on without marking the chat unreachable', async () => {
    const p = newPhone();
    const u = h.user(613, 'Mina');
    await u.join(p);
    const id = (await h.w.services.members.findByPhone(h.merchantId, p))!.id;
    await h.w.services.members.register({ merchantId: h.merchantId, phone: p, channel: 'bale', externalUserId: '9613', chatId: '9613' });
    await h.w.services.members.setPreferredChannel(h.merchantId, id, 'bale');
    const bale = fakeNoticeChannel('bale', { outcome: () => 'failed' });
    await h.w.services.purchases.record(h.merchantId, { orderId: 'failed-1', phone: p, amount: 210_000 }, 'test');
    await notify(bale);
    expect(bale.tried.filter((x) => x.memberId === id).length).toBeGreaterThan(0);
    expect(u.botMessages().filter((m) => (m.text ?? '').includes('۲۱۰٬۰۰۰'))).toHaveLength(1);
    expect((await h.w.services.memberStore.identities(id)).find((i) => i.channel === 'bale')!.unreachableAt).toBeNull();
  });

  it('a phone that never joined a chat is offered to SMS alone (the SMS channel decides what it says)', async () => {
    const p = newPhone();
    await h.w.services.purchases.record(h.merchantId, { orderId: 'pending-1', phone: p, amount: 220_000 }, 'test');
    const sms = fakeNoticeChannel('sms');
    await notify(sms);
    const id = (await h.w.services.members.findByPhone(h.merchantId, p))!.id;
    expect(sms.tried.filter((x) => x.memberId === id)).toEqual([{ memberId: id, phone: p, identity: null }]);
  });
});
