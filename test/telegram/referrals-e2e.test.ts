import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { referralEvents } from '../../src/jobs/handlers.js';
import { buildHttpServer } from '../../src/http/server.js';
import { MerchantAuthStore } from '../../src/db/repositories/merchant-auth-store.js';
import { signWebhook } from '../../src/http/auth/signature.js';
import { createLogger } from '../../src/logger.js';
import { drainEvents } from '../helpers/events.js';
import { createTelegramHarness, harnessNotifier, type TelegramHarness, type TgUser } from '../helpers/telegram.js';
import { ledgerSums, newPhone, storedBalances } from '../helpers/services.js';

let h: TelegramHarness;
let app: FastifyInstance;
let secret: string;
const logger = createLogger('silent');

beforeAll(async () => {
  h = await createTelegramHarness({
    settings: {
      referrals: {
        onJoin: { referrer: { currency: 'coins', amount: 20 }, friend: { currency: 'coins', amount: 10 } },
        onFirstPurchase: { referrer: { currency: 'points', amount: 50 } },
      },
    },
  });
  ({ webhookSecret: secret } = await h.w.services.merchants.rotateWebhookSecret(h.merchantId));
  app = await buildHttpServer({
    logger,
    checks: { postgres: async () => {}, redis: async () => {} },
    api: {
      services: h.w.services,
      auth: new MerchantAuthStore(h.w.db.pool, h.w.secretBox, 0),
      webhookToleranceSeconds: 300,
      redis: h.r.redis,
      redisPrefix: h.r.prefix,
      rateLimitPerSecond: 1000,
    },
  });
});
afterAll(async () => {
  await app.close();
  await h.close();
});

const events = () => drainEvents(h.w.db, [referralEvents(h.w.services.referrals), harnessNotifier(h)]);

async function join(u: TgUser, start = '/start') {
  await u.join(newPhone(), start);
  return (await h.w.services.members.findByIdentity(h.merchantId, 'telegram', String(u.user.id)))!;
}

function buy(phone: string, orderId: string, amount: number) {
  const raw = JSON.stringify({ orderId, phone, amount });
  const ts = Math.floor(Date.now() / 1000);
  return app.inject({
    method: 'POST',
    url: '/v1/webhooks/purchases',
    headers: {
      'content-type': 'application/json',
      'x-bashgah-merchant': h.merchantId,
      'x-bashgah-timestamp': String(ts),
      'x-bashgah-signature': `v1=${signWebhook(secret, ts, raw)}`,
    },
    payload: raw,
  });
}

const texts = (u: TgUser, after: number) =>
  u
    .botMessages()
    .filter((m) => m.message_id > after)
    .map((m) => m.text ?? '');

describe('referrals end to end through the bot', () => {
  let a: TgUser;
  let aId: string;
  let link: string;

  it('A gets a link; B opens it, joins, buys; both get the right rewards and messages', async () => {
    a = h.user(501, 'Sara', { last_name: 'Ahmadi' });
    const aMember = await join(a);
    aId = aMember.id;
    await h.w.services.members.updateProfile(h.merchantId, aId, { firstName: 'سارا', lastName: 'احمدی' });
    const [, invite] = await a.send('🤝 دعوت دوستان', 2);
    link = /https:\/\/t\.me\/\S+/.exec(invite!.text!)![0];
    expect(link).toContain(`start=r_${aMember.referralCode}`);
    expect(invite!.text).toContain('دوستانی که عضو شدند: ۰');

    // B opens the link and shares the phone: the welcome says the join gift before the first
    // profile question, and the event worker's notice does not say it again afterwards.
    const b = h.user(502, 'Reza');
    const aBefore = a.botMessages().at(-1)!.message_id;
    await b.send(`/start ${link.split('start=')[1]}`);
    const welcome = await b.shareContact(newPhone(), 502, 3);
    expect(welcome.map((m) => m.text)).toEqual([
      expect.stringMatching(/^🎉 عضویت شما با موفقیت انجام شد[\s\S]*\n\n🎁 ۱۰ سکه هدیهٔ عضویت شما با دعوت سارا ا\.!$/),
      expect.stringContaining('چند سؤال کوتاه داریم'),
      'نام کوچک شما چیست؟',
    ]);
    const bMember = (await h.w.services.members.findByIdentity(h.merchantId, 'telegram', '502'))!;
    expect(bMember.referrerId).toBe(aId);
    expect(bMember.balances.coins).toBe(10); // what the welcome said is in the account already
    await events();
    await b.send('سارا'); // the first name: the next question follows it, nothing in between
    expect(texts(a, aBefore).join('\n')).toContain('با دعوت شما عضو باشگاه شد! ۲۰ سکه جایزه گرفتید.');
    expect(texts(b, 0).filter((t) => t.includes('هدیهٔ عضویت'))).toHaveLength(1);
    expect(texts(b, welcome.at(-1)!.message_id)).toEqual(['نام خانوادگی‌تان؟']);
    for (let i = 0; i < 3; i++) await b.send('⏭ رد شدن');
    await b.send('⏭ رد شدن', 2);

    const aBeforeBuy = a.botMessages().at(-1)!.message_id;
    const bBeforeBuy = b.botMessages().at(-1)!.message_id;
    expect((await buy(bMember.phone, 'ref-e2e-1', 300_000)).statusCode).toBe(200);
    await events();
    const bText = texts(b, bBeforeBuy).join('\n');
    expect(bText).toContain('🛍 خرید ۳۰۰٬۰۰۰ تومان شما ثبت شد.');
    expect(bText).toContain(`start=r_${bMember.referralCode}`); // the happy moment: invite friends too
    expect(texts(a, aBeforeBuy).join('\n')).toContain('اولین خریدش را کرد؛ ۵۰ امتیاز جایزهٔ شما.');

    expect((await storedBalances(h.w.db, aId)).balances).toEqual({ points: 50, coins: 20, credit: 0 });
    expect((await storedBalances(h.w.db, bMember.id)).balances).toEqual({ points: 30, coins: 10, credit: 0 });
    expect(await ledgerSums(h.w.db, aId)).toEqual((await storedBalances(h.w.db, aId)).balances);
    const [, again] = await a.send('/invite', 2);
    expect(again!.text).toContain('دوستانی که عضو شدند: ۱ | خرید کردند: ۱');
    expect(again!.text).toContain('۵۰ امتیاز، ۲۰ سکه');
    expect(again!.text).toContain('رتبهٔ شما در این ماه: ۱');
  });

  it('C joins without a link and types A’s code from the invite screen', async () => {
    const c = h.user(503, 'Mina');
    await join(c);
    const [, invite] = await c.send('/invite', 2);
    const haveCode = invite!.reply_markup!.inline_keyboard.flat().find((b) => 'callback_data' in b && b.callback_data === 'referral:code')!;
    expect(haveCode.text).toBe('🎟 کد معرف دارم');
    const [question] = await c.press(invite!, 'referral:code');
    expect(question!.text).toContain('کد معرف دوستتان');
    // A wrong code keeps the question open: the right one typed next is taken.
    expect((await c.send('ZZZZZZ'))[0]!.text).toBe(
      'این کد معرف در این باشگاه پیدا نشد. لطفاً دوباره بررسی کنید.\nکد را دوباره بنویسید، یا «رد شدن» را بزنید:',
    );
    const code = (await h.w.services.members.get(h.merchantId, aId)).referralCode;
    expect((await c.send(code.toLowerCase()))[0]!.text).toContain('معرف شما: سارا ا.');
    await events();
    const cMember = (await h.w.services.members.findByIdentity(h.merchantId, 'telegram', '503'))!;
    expect(cMember.balances.coins).toBe(10);
    expect((await storedBalances(h.w.db, aId)).balances.coins).toBe(40);
  });

  it('/code asks again after a wrong code, three tries in all, then points to /code for later', async () => {
    const f = h.user(506, 'Reza');
    await join(f);
    await f.send('/code');
    await f.send('ZZZZZZ');
    expect((await f.send('YYYYYY'))[0]!.text).toContain('کد را دوباره بنویسید');
    const [last] = await f.send('XXXXXX');
    expect(last!.text).toBe('این کد معرف در این باشگاه پیدا نشد. لطفاً دوباره بررسی کنید.\nبعداً هم می‌توانید با /code دوباره امتحان کنید.');
    expect(f.keyboardLabels()).toContain('💰 موجودی من');
  });

  it('a phone shared while the code is asked: said to be known, the code question asked again with the tries used so far', async () => {
    const g = h.user(507, 'Nazanin');
    const phone = newPhone();
    await g.join(phone);
    await g.send('/code');
    expect((await g.send('ZZZZZZ'))[0]!.text).toContain('کد را دوباره بنویسید');
    const shared = await g.shareContact(phone, 507, 2);
    expect(shared[0]!.text).toContain('قبلاً در باشگاه ثبت شده است');
    expect(shared[1]!.text).toContain('کد معرف دوستتان');
    expect(g.keyboardLabels()).toEqual(['⏭ رد شدن']);
    expect((await g.send('YYYYYY'))[0]!.text).toContain('کد را دوباره بنویسید');
    // The third wrong code is the last try (the phone did not start the count over).
    expect((await g.send('XXXXXX'))[0]!.text).toContain('بعداً هم می‌توانید با /code دوباره امتحان کنید.');
    expect(g.keyboardLabels()).toContain('💰 موجودی من');
  });

  it('tampered payloads change nothing: another club’s code, a made-up code, one’s own code', async () => {
    const other = await h.w.newMerchant();
    const stranger = (
      await h.w.services.members.register({ merchantId: other, phone: newPhone(), channel: 'telegram', externalUserId: '999' })
    ).member;
    const d = await join(h.user(504, 'Ali'), `/start r_${stranger.referralCode}`);
    expect(d.referrerId).toBeNull();
    const e = await join(h.user(505, 'Nima'), '/start r_AAAAAA');
    expect(e.referrerId).toBeNull();
    // A opens their own link from a second phone on the same Telegram account: not a referral.
    const aCode = (await h.w.services.members.get(h.merchantId, aId)).referralCode;
    await a.send(`/start r_${aCode}`);
    expect((await h.w.services.members.get(h.merchantId, aId)).referrerId).toBeNull();
  });

  it('/top lists this month’s inviters with masked names; the API lists a member’s friends', async () => {
    const [top] = await a.send('/top');
    expect(top!.text).toContain('برترین دعوت‌کنندگان');
    expect(top!.text).toContain('۱. سارا ا. — ۲ دوست');
    expect(top!.text).not.toContain('احمدی');
    const friends = await app.inject({
      method: 'GET',
      url: `/v1/members/${aId}/referrals`,
      headers: { authorization: `Bearer ${(await h.w.services.merchants.rotateApiKey(h.merchantId)).apiKey}` },
    });
    expect(friends.statusCode).toBe(200);
    expect(friends.json().friends).toHaveLength(2);
    expect(friends.json().friends.find((f: { firstPurchaseAt: string | null }) => f.firstPurchaseAt)?.rewards).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ trigger: 'join', beneficiary: 'referrer', currency: 'coins', amount: 20, status: 'granted' }),
        expect.objectContaining({ trigger: 'first_purchase', beneficiary: 'referrer', currency: 'points', amount: 50 }),
      ]),
    );
  });
});
