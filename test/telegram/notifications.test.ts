import { Queue } from 'bullmq';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../src/jobs/outbox-relay.js';
import { startEventWorker } from '../../src/jobs/event-worker.js';
import { QueueName, type DomainEvent } from '../../src/jobs/queues.js';
import { buildHttpServer } from '../../src/http/server.js';
import { MerchantAuthStore } from '../../src/db/repositories/merchant-auth-store.js';
import { signWebhook } from '../../src/http/auth/signature.js';
import { createLogger } from '../../src/logger.js';
import { createTelegramHarness, harnessNotifier, type TelegramHarness, type TgUser } from '../helpers/telegram.js';
import { newPhone } from '../helpers/services.js';
import { waitForQuietOutbox } from '../helpers/quiet.js';
import type { FastifyInstance } from 'fastify';

let h: TelegramHarness;
let relay: OutboxRelay;
let queue: Queue<DomainEvent>;
let worker: Worker<DomainEvent>;
let app: FastifyInstance;
let u: TgUser;
let phone: string;
let webhookSecret: string;

const logger = createLogger('silent');

beforeAll(async () => {
  h = await createTelegramHarness({ settings: { earning: { coinsPerAmount: { coins: 1, amount: 100_000 } } } });
  queue = new Queue<DomainEvent>(QueueName.events, { connection: h.r.redis, prefix: h.r.prefix });
  relay = new OutboxRelay(h.w.db.pool, queue, logger, { pollMs: 50 });
  await relay.start();
  worker = startEventWorker({ connection: h.r.redis, prefix: h.r.prefix, redis: h.r.redis }, [harnessNotifier(h)], logger);
  ({ webhookSecret } = await h.w.services.merchants.rotateWebhookSecret(h.merchantId));
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
  u = h.user(301, 'Sara');
  phone = newPhone();
  await u.send('/start');
  await u.shareContact(phone, 301, 3);
  for (const answer of ['⏭ رد شدن', '⏭ رد شدن', '⏭ رد شدن', '⏭ رد شدن']) await u.send(answer);
  await u.send('⏭ رد شدن', 2);
});
afterAll(async () => {
  await worker.close();
  await relay.stop();
  await queue.close();
  await app.close();
  await h.close();
});

function signedPurchase(body: object) {
  const raw = JSON.stringify(body);
  const ts = Math.floor(Date.now() / 1000);
  return app.inject({
    method: 'POST',
    url: '/v1/webhooks/purchases',
    headers: {
      'content-type': 'application/json',
      'x-bashgah-merchant': h.merchantId,
      'x-bashgah-timestamp': String(ts),
      'x-bashgah-signature': `v1=${signWebhook(webhookSecret, ts, raw)}`,
    },
    payload: raw,
  });
}

async function nextBotMessage(after: number): Promise<string> {
  const messages = await h.api.waitForBot(h.token, 301, { after, count: 1, timeoutMs: 10_000 });
  const fresh = messages.filter((m) => m.message_id > after);
  if (!fresh.length) throw new Error('no notification arrived');
  return fresh[0]!.text!;
}

const lastId = () => u.botMessages().at(-1)!.message_id;

describe('notifications from the outbox', () => {
  it('a signed purchase webhook tells the member at once what they earned and their balance', async () => {
    const before = lastId();
    const res = await signedPurchase({ orderId: 'n-1', phone, amount: 550_000 });
    expect(res.statusCode).toBe(200);
    const text = await nextBotMessage(before);
    expect(text).toContain('🛍 خرید ۵۵۰٬۰۰۰ تومان شما ثبت شد.');
    expect(text).toContain('➕ ۵۵ امتیاز (خرید)');
    expect(text).toContain('➕ ۵ سکه (خرید)');
    expect(text).toContain('موجودی فعلی: ۵۵ امتیاز | ۵ سکه | ۰ تومان');
  });

  it('a spend, a tier change and a refund are each told once', async () => {
    let before = lastId();
    await h.w.services.ledger.spend({
      merchantId: h.merchantId,
      memberId: (await h.w.services.members.findByPhone(h.merchantId, phone))!.id,
      currency: 'coins',
      amount: 3,
      reason: 'wheel',
      idempotencyKey: 'n-spend',
      actor: 'member',
    });
    expect(await nextBotMessage(before)).toContain('➖ ۳ سکه (گردونه شانس)');

    before = lastId();
    await signedPurchase({ orderId: 'n-2', phone, amount: 5_000_000 });
    const messages = await h.api.waitForBot(h.token, 301, { after: before, count: 2, timeoutMs: 10_000 });
    const texts = messages.filter((m) => m.message_id > before).map((m) => m.text!);
    expect(texts.some((t) => t.includes('سطح شما به نقره‌ای ارتقا یافت'))).toBe(true);

    before = lastId();
    await h.w.services.purchases.refund(h.merchantId, { refundId: 'n-r1', orderId: 'n-1' }, 'api');
    const refund = await nextBotMessage(before);
    expect(refund).toContain('↩️ مرجوعی خرید ثبت شد.');
    expect(refund).toContain('➖ ۵۵ امتیاز (مرجوعی)');
    await waitForQuietOutbox(h.w.db.pool, [queue]); // every event relayed and handled: a second notice would be here
    expect(u.botMessages().filter((m) => m.text?.includes('مرجوعی خرید ثبت شد'))).toHaveLength(1);
  });

  it('a member who blocked the bot is marked unreachable and not retried', async () => {
    h.api.setBlocked(h.token, 301, true);
    await signedPurchase({ orderId: 'n-3', phone, amount: 100_000 });
    const member = (await h.w.services.members.findByPhone(h.merchantId, phone))!;
    for (let i = 0; i < 100; i++) {
      const ids = await h.w.services.memberStore.identities(member.id);
      if (ids[0]!.unreachableAt) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await h.w.services.memberStore.identities(member.id))[0]!.unreachableAt).toBeInstanceOf(Date);
    const failed = await queue.getJobs(['failed', 'delayed']);
    expect(failed).toHaveLength(0);
    // Unblocking and pressing Start makes them reachable again.
    h.api.setBlocked(h.token, 301, false);
    await u.send('/start');
    expect((await h.w.services.memberStore.identities(member.id))[0]!.unreachableAt).toBeNull();
  });

  it('"chat not found" skips that notice but does not mark the member unreachable', async () => {
    const v = h.user(302, 'Reza');
    const lostPhone = newPhone();
    await v.join(lostPhone);
    h.api.forgetChat(h.token, 302);
    await signedPurchase({ orderId: 'n-4', phone: lostPhone, amount: 100_000 });
    const member = (await h.w.services.members.findByPhone(h.merchantId, lostPhone))!;
    const handled = async () =>
      (await queue.getJobs(['completed', 'failed'])).find(
        (j) => j.data.type === 'purchase.recorded' && (j.data.payload as { member_id?: string }).member_id === member.id,
      );
    for (let i = 0; i < 200 && !(await handled()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await (await handled())!.getState()).toBe('completed');
    expect((await h.w.services.memberStore.identities(member.id))[0]!.unreachableAt).toBeNull();
  });
});
