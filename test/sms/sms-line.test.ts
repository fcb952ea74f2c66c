import { randomBytes } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/container.js';
import { kavenegarSender } from '../../src/channels/sms/kavenegar.js';
import { smsDelivery } from '../../src/channels/sms/delivery.js';
import type { BroadcastQueue, Recipient } from '../../src/domain/campaigns/broadcast-service.js';
import { processDelivery, type BroadcastJob } from '../../src/jobs/broadcast-sender.js';
import { memberNotifier, NoticeRegistry, type NoticeChannel } from '../../src/jobs/member-notices.js';
import { smsNotices } from '../../src/jobs/sms-notices.js';
import { BullSmsQueue, startSmsWorker } from '../../src/jobs/sms-sender.js';
import { createLogger } from '../../src/logger.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { drainEvents } from '../helpers/events.js';
import { waitFor } from '../helpers/process.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { newPhone, TestClock } from '../helpers/services.js';
import { startProviderStandIn } from './provider-stand-in.js';

const logger = createLogger('silent');
let db: TestDatabase;
let redis: TestRedis;
let api: Awaited<ReturnType<typeof startProviderStandIn>>;
let s: ReturnType<typeof createServices>;
let smsQueue: BullSmsQueue;
let worker: ReturnType<typeof startSmsWorker>;
const clock = new TestClock(new Date('2026-11-23T08:00:00Z')); // 11:30 in Tehran
const enqueued: Recipient[] = [];
const broadcastQueue: BroadcastQueue = { enqueue: async (_m, _b, r) => void enqueued.push(...r), scheduleStart: async () => {} };
let nextMessageId = 1000;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createTestRedis();
  api = await startProviderStandIn((r) =>
    r.path.endsWith('/sms/send.json')
      ? { body: { return: { status: 200 }, entries: [{ messageid: ++nextMessageId, status: 1 }] } }
      : { body: { return: { status: 200 }, entries: [] } },
  );
  smsQueue = new BullSmsQueue({ connection: redis.redis, prefix: redis.prefix }, clock, 10);
  s = createServices(db, new SecretBox(randomBytes(32).toString('hex')), clock, {
    broadcastQueue,
    sms: {
      sender: kavenegarSender({ apiKey: 'KEY-123456', sender: '10004346', apiRoot: api.root }),
      queue: smsQueue,
      dailyCap: 3,
      pricePerPartRials: 1000,
    },
  });
  worker = startSmsWorker({ connection: redis.redis, prefix: redis.prefix }, { sms: s.sms, clock, logger });
});
afterAll(async () => {
  await worker.close();
  await smsQueue.close();
  await api.close();
  await redis.cleanup();
  await db.drop();
});

const sends = () => api.seen.filter((r) => r.path.endsWith('/sms/send.json'));
const sentTo = (phone: string) => sends().filter((r) => new URLSearchParams(r.body).get('receptor') === `0${phone.slice(3)}`);
const rowsOf = async (memberId: string) =>
  (await db.pool.query('SELECT * FROM sms_messages WHERE member_id = $1 ORDER BY created_at', [memberId])).rows;
const row = async (id: string) => (await db.pool.query('SELECT * FROM sms_messages WHERE id = $1', [id])).rows[0];
const settled = (id: string, ...states: string[]) =>
  waitFor(async () => {
    const r = await row(id);
    return states.includes(r.state) ? r : undefined;
  }, 10_000);
let merchants = 0;
const newMerchant = async (settings?: unknown) => {
  const { id } = await s.merchants.create({ name: `کافه ${++merchants}` });
  if (settings) await s.settings.set(id, settings);
  return id;
};

/** The worker role's notifier, with a Telegram that takes every notice for a member reachable there. */
const toTelegram: { memberId: string; type: string }[] = [];
const telegram: NoticeChannel = {
  name: 'telegram',
  ready: async () => true,
  send: async (event, { memberId, identity }) => {
    if (!identity) return 'failed';
    toTelegram.push({ memberId, type: event.type });
    return 'sent';
  },
};
const notifier = () =>
  memberNotifier({
    memberStore: s.memberStore,
    registry: new NoticeRegistry([
      telegram,
      smsNotices({
        sms: s.sms,
        members: s.members,
        screens: s.screens,
        settings: s.settings,
        joinLink: async () => 'http://localhost:3000/j/AbCdEfGhIj',
        defaultLocale: 'fa',
      }),
    ]),
  });
const buy = async (merchantId: string, phone: string, orderId: string, amount = 1_500_000) => {
  await s.purchases.record(merchantId, { orderId, phone, amount }, 'test');
  return drainEvents(db, [notifier()]);
};

describe('what goes by SMS', () => {
  it('a purchase by a phone that never joined: one SMS with what it earned and a join link, then none until it joins', async () => {
    const m = await newMerchant();
    const phone = newPhone();
    await buy(m, phone, 'o-1');
    const member = (await s.members.findByPhone(m, phone))!;
    const [first] = await rowsOf(member.id);
    await settled(first.id, 'sent');
    expect(first).toMatchObject({ kind: 'join_invite', promotional: true, key: `join:${member.id}` });
    const text = new URLSearchParams(sentTo(phone)[0]!.body).get('message')!;
    expect(text).toContain('۱۵۰ امتیاز');
    expect(text).toContain('http://localhost:3000/j/AbCdEfGhIj');
    expect(text.endsWith('\nلغو۱۱')).toBe(true);
    expect(text).not.toMatch(/[\u2066-\u2069]/); // no invisible direction marks: each would cost a character

    await buy(m, phone, 'o-2');
    await buy(m, phone, 'o-3');
    expect(await rowsOf(member.id)).toHaveLength(1);
    expect(sentTo(phone)).toHaveLength(1);

    // Joined on Telegram: the next purchase is told there, not by SMS.
    await s.members.register({ merchantId: m, phone, channel: 'telegram', externalUserId: '777001', chatId: '777001' });
    await buy(m, phone, 'o-4');
    expect(toTelegram.filter((n) => n.memberId === member.id).map((n) => n.type)).toContain('purchase.recorded');
    expect(await rowsOf(member.id)).toHaveLength(1);

    // Blocked the bot: unreachable on every chat, so the account message goes by SMS, without the keyword.
    await s.memberStore.markUnreachable(m, 'telegram', '777001', true);
    const events = await buy(m, phone, 'o-5');
    const notice = (await rowsOf(member.id)).find((r) => r.kind === 'notice')!;
    expect(notice).toMatchObject({ promotional: false, key: `evt:${events.find((e) => e.type === 'purchase.recorded')!.id}` });
    await settled(notice.id, 'sent');
    expect(notice.text).not.toContain('لغو۱۱');
    expect(sentTo(phone)).toHaveLength(2);
  });

  it('a merchant can turn both off', async () => {
    const m = await newMerchant({ sms: { purchasesBeforeJoining: 'off', accountMessages: false } });
    const phone = newPhone();
    await buy(m, phone, 'off-1');
    await s.members.register({ merchantId: m, phone, channel: 'telegram', externalUserId: '777002', chatId: '777002' });
    await s.memberStore.markUnreachable(m, 'telegram', '777002', true);
    await buy(m, phone, 'off-2');
    expect(await rowsOf((await s.members.findByPhone(m, phone))!.id)).toEqual([]);
  });

  it('a merchant that opts in texts every purchase made before joining', async () => {
    const m = await newMerchant({ sms: { purchasesBeforeJoining: 'every' } });
    const phone = newPhone();
    await buy(m, phone, 'e-1');
    await buy(m, phone, 'e-2');
    const member = (await s.members.findByPhone(m, phone))!;
    const rows = await rowsOf(member.id);
    expect(rows).toHaveLength(2);
    for (const r of rows) await settled(r.id, 'sent');
    expect(sentTo(phone)).toHaveLength(2);
  });
});

describe('sending', () => {
  const queueOne = (merchantId: string, key: string, opts: { promotional?: boolean; memberId?: string | null; phone?: string } = {}) =>
    s.sms.send({
      merchantId,
      memberId: opts.memberId ?? null,
      phone: opts.phone ?? newPhone(),
      kind: opts.promotional ? 'broadcast' : 'notice',
      key,
      text: 'موجودی شما: ۱۵۰ امتیاز',
      promotional: opts.promotional ?? false,
    }) as Promise<string>;

  it('provider errors are retried with backoff: busy twice, then accepted, is one SMS after three tries with the same localid', async () => {
    const m = await newMerchant();
    api.next({ status: 409, body: { return: { status: 409 } } }, { status: 502, body: 'Bad Gateway' });
    const id = await queueOne(m, 'retry-1');
    const done = await settled(id, 'sent', 'failed');
    expect(done).toMatchObject({ state: 'sent', attempts: 3, provider: 'kavenegar' });
    expect(sends().filter((r) => new URLSearchParams(r.body).get('localid') === id)).toHaveLength(3);
  });

  it('a refused number fails at once; a provider that keeps failing ends failed after the last try', async () => {
    const m = await newMerchant();
    api.next({ status: 411, body: { return: { status: 411, message: 'receptor invalid' } } });
    const refused = await queueOne(m, 'refused');
    expect(await settled(refused, 'failed', 'sent')).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: 'Kavenegar 411: receptor invalid',
    });
    api.next(...Array.from({ length: 6 }, () => ({ status: 500, body: { return: { status: 500 } } })));
    const down = await queueOne(m, 'down');
    expect(await settled(down, 'failed', 'sent')).toMatchObject({ state: 'failed', attempts: 6 });
  });

  it('nothing is sent twice: the same key queues nothing, a retried job finds its row settled, a send cut short becomes unknown', async () => {
    const m = await newMerchant();
    const id = await queueOne(m, 'once');
    expect(await queueOne(m, 'once')).toBe(id);
    await settled(id, 'sent');
    const cut = await queueOne(m, 'cut');
    await settled(cut, 'sent');
    const before = sends().length;
    expect(await s.sms.deliver(id, { last: false })).toEqual({ done: 'sent' });
    // A worker that died in the provider call left the row `sending`: it is never sent again.
    await db.pool.query("UPDATE sms_messages SET state = 'sending' WHERE id = $1", [cut]);
    expect(await s.sms.deliver(cut, { last: false })).toEqual({ done: 'unknown' });
    expect(await s.sms.deliver(cut, { last: false })).toEqual({ done: 'unknown' });
    expect(sends().length).toBe(before);
  });

  it('a row whose job was lost from Redis is queued again by the sweep, and sent once', async () => {
    const m = await newMerchant();
    api.next(...Array.from({ length: 6 }, () => ({ status: 500, body: { return: { status: 500 } } })));
    const id = await queueOne(m, 'lost');
    await settled(id, 'failed');
    // As if Redis lost the job before it ran: the row is pending again, no job holds it.
    await db.pool.query("UPDATE sms_messages SET state = 'pending', created_at = created_at - interval '10 minutes' WHERE id = $1", [id]);
    await (await smsQueue.queue.getJob(`sms-${id}`))?.remove();
    const before = sends().length;
    expect(await s.sms.requeueStale()).toBeGreaterThanOrEqual(1);
    await settled(id, 'sent');
    expect(await s.sms.requeueStale()).toBe(0);
    expect(sends().length).toBe(before + 1);
  });

  it('quiet hours: a broadcast SMS queued at 23:00 Tehran time waits for 08:00; an account message goes at once', async () => {
    const m = await newMerchant();
    clock.set('2026-11-23T23:00:00+03:30');
    try {
      const promo = await queueOne(m, 'night-promo', { promotional: true });
      const job = await smsQueue.queue.getJob(`sms-${promo}`);
      expect(await job!.getState()).toBe('delayed');
      expect(job!.opts.delay).toBe(9 * 3_600_000);
      expect(await s.sms.deliver(promo, { last: false })).toEqual({
        waitUntil: new Date('2026-11-24T08:00:00+03:30'),
        reason: 'quiet_hours',
      });
      const account = await queueOne(m, 'night-account');
      expect((await settled(account, 'sent')).state).toBe('sent');
      clock.set('2026-11-24T08:00:00+03:30');
      expect(await s.sms.deliver(promo, { last: false })).toEqual({ done: 'sent' });
    } finally {
      clock.set('2026-11-23T08:00:00Z');
    }
  });

  it('the daily cap: past 3 SMS a Tehran day the rest wait for the next morning', async () => {
    const m = await newMerchant();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await queueOne(m, `cap-${i}`));
    for (const id of ids) await settled(id, 'sent');
    const fourth = await queueOne(m, 'cap-3');
    await waitFor(async () => ((await (await smsQueue.queue.getJob(`sms-${fourth}`))?.getState()) === 'delayed' ? true : undefined));
    expect((await row(fourth)).state).toBe('pending');
    expect(await s.sms.deliver(fourth, { last: false })).toEqual({ waitUntil: new Date('2026-11-24T08:00:00+03:30'), reason: 'daily_cap' });
    // Another club has its own cap.
    const other = await queueOne(await newMerchant(), 'cap-other');
    expect((await settled(other, 'sent')).state).toBe('sent');
    clock.set('2026-11-24T08:00:00+03:30');
    try {
      expect(await s.sms.deliver(fourth, { last: false })).toEqual({ done: 'sent' });
    } finally {
      clock.set('2026-11-23T08:00:00Z');
    }
  });
});

describe('opt-out and delivery reports', () => {
  it('an answer of the keyword to the line stops promotional SMS to that phone (account messages still go)', async () => {
    const m = await newMerchant();
    const phone = newPhone();
    const { member } = await s.members.register({ merchantId: m, phone, channel: 'telegram', externalUserId: '888001', chatId: '888001' });
    const promo = (await s.sms.send({
      merchantId: m,
      memberId: member.id,
      phone,
      kind: 'broadcast',
      key: 'p1',
      text: 'یلدا',
      promotional: true,
    }))!;
    await settled(promo, 'sent');
    api.next({
      body: { return: { status: 200 }, entries: [{ messageid: 1, message: 'لغو ۱۱', sender: `0${phone.slice(3)}`, receptor: '10004346' }] },
    });
    expect(await s.sms.pollInbound()).toBe(1);
    expect(api.seen.at(-1)!.path).toBe('/v1/KEY-123456/sms/receive.json');
    expect((await db.pool.query('SELECT sms_opted_out FROM members WHERE id = $1', [member.id])).rows[0].sms_opted_out).toBe(true);
    const before = sentTo(phone).length;
    const promo2 = (await s.sms.send({
      merchantId: m,
      memberId: member.id,
      phone,
      kind: 'broadcast',
      key: 'p2',
      text: 'یلدا',
      promotional: true,
    }))!;
    expect((await settled(promo2, 'skipped')).error).toBe('opted out of SMS');
    const account = (await s.sms.send({
      merchantId: m,
      memberId: member.id,
      phone,
      kind: 'notice',
      key: 'n1',
      text: 'موجودی',
      promotional: false,
    }))!;
    await settled(account, 'sent');
    expect(sentTo(phone).length).toBe(before + 1);
  });

  it('delivery reports move sent rows to delivered or failed', async () => {
    const m = await newMerchant();
    const a = (await s.sms.send({
      merchantId: m,
      memberId: null,
      phone: newPhone(),
      kind: 'notice',
      key: 'r1',
      text: 'x',
      promotional: false,
    }))!;
    const b = (await s.sms.send({
      merchantId: m,
      memberId: null,
      phone: newPhone(),
      kind: 'notice',
      key: 'r2',
      text: 'x',
      promotional: false,
    }))!;
    const [ra, rb] = [await settled(a, 'sent'), await settled(b, 'sent')];
    await db.pool.query("UPDATE sms_messages SET state = 'delivered' WHERE state = 'sent' AND id NOT IN ($1, $2)", [a, b]);
    api.next({
      body: {
        return: { status: 200 },
        entries: [
          { messageid: Number(ra.provider_message_id), status: 10, statustext: 'رسیده به گیرنده' },
          { messageid: Number(rb.provider_message_id), status: 11, statustext: 'نرسیده به گیرنده' },
        ],
      },
    });
    expect(await s.sms.pollReports()).toBe(2);
    expect([(await row(a)).state, (await row(b)).state]).toEqual(['delivered', 'failed']);
    expect((await row(b)).error).toBe('نرسیده به گیرنده');
  });
});

describe('broadcasts by SMS', () => {
  it('channel sms: the cost before sending, one SMS row per recipient with the keyword, opted-out members left out, a failed SMS fails the delivery row', async () => {
    const m = await newMerchant();
    const people = [];
    for (let i = 0; i < 3; i++) {
      const { member } = await s.members.register({ merchantId: m, phone: newPhone(), channel: 'telegram', externalUserId: `99900${i}` });
      people.push(member);
    }
    await db.pool.query('UPDATE members SET sms_opted_out = true WHERE id = $1', [people[2]!.id]);
    const text = 'سلام! جشنوارهٔ یلدا شروع شد؛ تا جمعه همهٔ نوشیدنی‌ها دو برابر امتیاز دارند.';
    const estimate = await s.sms.estimateBroadcast(m, { channel: 'sms' }, text);
    expect(estimate).toMatchObject({ recipients: 2, encoding: 'ucs2', parts: 2, pricePerPartRials: 1000, costRials: 2 * 2 * 1000 });
    expect(estimate.text.endsWith('\nلغو۱۱')).toBe(true);
    expect((await s.sms.estimateBroadcast(m, {}, text)).recipients).toBe(0);

    const { broadcast } = await s.campaigns.create(
      m,
      { kind: 'message', name: 'یلدا', segment: { channel: 'sms' }, message: { text } },
      'test',
    );
    enqueued.length = 0;
    await s.broadcasts.start(broadcast!.id);
    expect(enqueued.map((r) => r.channel)).toEqual(['sms', 'sms']);
    expect(enqueued.map((r) => r.memberId).sort()).toEqual([people[0]!.id, people[1]!.id].sort());

    const deps = {
      store: s.broadcastStore,
      broadcasts: s.broadcasts,
      ledger: s.ledger,
      vouchers: s.vouchers,
      memberStore: s.memberStore,
      screens: s.screens,
      channels: { sms: smsDelivery(s.sms) },
      progress: async () => {},
      defaultLocale: 'fa' as const,
      logger,
      clock,
    };
    const job = (memberId: string) =>
      ({ data: { b: broadcast!.id, m: memberId }, attemptsMade: 0, opts: { attempts: 5 } }) as Job<BroadcastJob>;
    api.next({ status: 418, body: { return: { status: 418, message: 'credit' } } });
    for (const r of enqueued) {
      expect(await processDelivery(deps, job(r.memberId), undefined, {} as Queue)).toBe('sent');
      // A retried broadcast job sends nothing more.
      expect(await processDelivery(deps, job(r.memberId), undefined, {} as Queue)).toBe('sent');
    }
    const rows = (await db.pool.query('SELECT * FROM sms_messages WHERE broadcast_id = $1', [broadcast!.id])).rows;
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.text).toBe(`${text}\nلغو۱۱`);
    const final = await Promise.all(rows.map((r) => settled(r.id, 'sent', 'failed')));
    expect(final.map((r) => r.state).sort()).toEqual(['failed', 'sent']);
    const failedMember = final.find((r) => r.state === 'failed')!.member_id;
    const deliveries = (
      await db.pool.query('SELECT member_id, state, channel FROM broadcast_deliveries WHERE broadcast_id = $1', [broadcast!.id])
    ).rows;
    expect(deliveries.find((d) => d.member_id === failedMember)).toMatchObject({ state: 'failed', channel: 'sms' });
    expect(deliveries.filter((d) => d.state === 'sent')).toHaveLength(1);
  });
});
