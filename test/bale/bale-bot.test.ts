import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramNotices } from '../../src/channels/telegram/notifier.js';
import { memberNotifier } from '../../src/jobs/member-notices.js';
import { createLogger } from '../../src/logger.js';
import { drainEvents } from '../helpers/events.js';
import { newPhone } from '../helpers/services.js';
import { BALE_SHAPED_PREFIX, createTelegramHarness, type TelegramHarness } from '../helpers/telegram.js';

let tg: TelegramHarness;
let bale: TelegramHarness;
const logger = createLogger('silent');

beforeAll(async () => {
  tg = await createTelegramHarness({
    settings: { referrals: { onJoin: { referrer: { currency: 'coins', amount: 20 }, friend: { currency: 'coins', amount: 10 } } } },
  });
  // The same club on Bale: its own bot, at its own Bot API root.
  bale = await createTelegramHarness({ channel: 'bale', world: { w: tg.w, r: tg.r, merchantId: tg.merchantId } });
});
afterAll(async () => {
  await bale?.close();
  await tg?.close();
});

const notices = (h: TelegramHarness) =>
  telegramNotices({
    telegram: h.channel,
    members: h.w.services.members,
    memberStore: h.w.services.memberStore,
    screens: h.w.services.screens,
    settings: h.w.services.settings,
    defaultLocale: 'fa',
    logger,
  });

const memberOn = (channel: 'telegram' | 'bale', userId: number) =>
  tg.w.services.members.findByIdentity(tg.merchantId, channel, String(userId));

describe('the club on Bale (the same bot code at a Bale-shaped Bot API root)', () => {
  it("talks to Bale's root and never calls what Bale lacks; joining records a Bale identity", async () => {
    expect(bale.apiRoot.endsWith(BALE_SHAPED_PREFIX)).toBe(true);
    // The stand-in answers setMyCommands with 404 as Bale does: the bot started anyway (no retry loop).
    expect(bale.api.listBots()).toHaveLength(1);
    const u = bale.user(7001, 'Sara');
    const phone = newPhone();
    await u.join(phone);
    const member = await memberOn('bale', 7001);
    expect(member?.phone).toBe(phone);
    expect(member?.status).toBe('active');
    expect(await memberOn('telegram', 7001)).toBeNull();
    expect(u.keyboardLabels()).toContain('💰 موجودی من');
  });

  it('the invite screen carries the ble.ir deep link, its QR code and a button that opens it', async () => {
    const u = bale.user(7001, 'Sara');
    const member = (await memberOn('bale', 7001))!;
    const sent = await u.send('/invite', 2);
    const username = bale.api.listBots()[0]!.username;
    const link = `https://ble.ir/${username}?start=r_${member.referralCode}`;
    const text = sent.find((m) => m.text)!;
    expect(text.text).toContain(link);
    expect(text.text).not.toContain('t.me');
    expect(text.reply_markup?.inline_keyboard.flat().some((b) => 'url' in b && b.url === link)).toBe(true);
    const photo = sent.find((m) => m.photo)!;
    const png = bale.api.file(photo.photo!.at(-1)!.file_id)!.data;
    expect(png.equals(await QRCode.toBuffer(link, { type: 'png', width: 512, margin: 2, errorCorrectionLevel: 'M' }))).toBe(true);
  });

  it('a friend who opens the Bale link joins as referred, and the invitation is counted on Bale', async () => {
    const referrer = (await memberOn('bale', 7001))!;
    const friend = bale.user(7002, 'Ali');
    await friend.join(newPhone(), `/start r_${referrer.referralCode}`);
    expect((await memberOn('bale', 7002))!.referrerId).toBe(referrer.id);
    const { rows } = await tg.w.db.pool.query('SELECT channel::text, opener_id FROM referral_invites WHERE referrer_id = $1', [
      referrer.id,
    ]);
    expect(rows).toEqual([{ channel: 'bale', opener_id: '7002' }]);
  });

  it('the same phone on Telegram and Bale is one member with one balance, told once, on the chat used last', async () => {
    const phone = newPhone();
    const onTelegram = tg.user(7101, 'Reza');
    await onTelegram.join(phone);
    const onBale = bale.user(7102, 'Reza');
    await onBale.send('/start');
    const [linked] = await onBale.shareContact(phone, 7102, 1);
    expect(linked!.text).toContain('عضو باشگاه');
    const [a, b] = [await memberOn('telegram', 7101), await memberOn('bale', 7102)];
    expect(b!.id).toBe(a!.id);
    tg.w.clock.advance(60_000);
    await onBale.send('/balance'); // a minute later, Bale is the chat used last
    await drainEvents(tg.w.db, []);

    await tg.w.services.ledger.adjust({
      merchantId: tg.merchantId,
      memberId: a!.id,
      currency: 'coins',
      amount: 70,
      reason: 'test',
      idempotencyKey: `one-member-${a!.id}`,
      actor: 'test',
    });
    const before = { tg: onTelegram.botMessages().length, bale: onBale.botMessages().length };
    await drainEvents(tg.w.db, [memberNotifier({ memberStore: tg.w.services.memberStore, channels: [notices(tg), notices(bale)] })]);
    expect(onTelegram.botMessages().length).toBe(before.tg);
    const told = onBale.botMessages().slice(before.bale);
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('۷۰');

    const [onTg] = await onTelegram.send('/balance');
    const [onBl] = await onBale.send('/balance');
    expect(onTg!.text).toBe(onBl!.text);
    expect(onTg!.text).toContain('۷۰');
  });

  it("a purchase is told on Bale with the member's ble.ir invitation (the happy moment)", async () => {
    const member = (await memberOn('bale', 7001))!;
    const u = bale.user(7001, 'Sara');
    const before = u.botMessages().length;
    await tg.w.services.purchases.record(tg.merchantId, { orderId: 'bale-buy-1', phone: member.phone, amount: 400_000 }, 'test');
    await drainEvents(tg.w.db, [memberNotifier({ memberStore: tg.w.services.memberStore, channels: [notices(tg), notices(bale)] })]);
    const told = u.botMessages().slice(before);
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain(`https://ble.ir/${bale.api.listBots()[0]!.username}?start=r_${member.referralCode}`);
  });
});
