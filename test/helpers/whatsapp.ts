import type { Queue } from 'bullmq';
import { LocalWhatsApp, type LocalMessage } from '../../src/channels/whatsapp/local/local-whatsapp.js';
import { LOCAL_WHATSAPP_PREFIX, localWhatsAppRoutes } from '../../src/channels/whatsapp/local/routes.js';
import { WhatsAppChannel } from '../../src/channels/whatsapp/whatsapp-channel.js';
import { whatsappNotifier } from '../../src/channels/whatsapp/notifier.js';
import { whatsappDelivery } from '../../src/channels/whatsapp/delivery.js';
import { whatsappNotifications } from '../../src/channels/whatsapp/notifications.js';
import { WhatsAppOutbox, startWhatsAppSender } from '../../src/jobs/whatsapp-sender.js';
import { WhatsAppRateLimiter } from '../../src/jobs/whatsapp-rate-limit.js';
import { referralEvents } from '../../src/jobs/handlers.js';
import { createLogger } from '../../src/logger.js';
import type { TestWorld } from './services.js';
import type { TestRedis } from './redis.js';
import { createTestApi, type TestApi } from './http.js';
import { drainEvents } from './events.js';
import type { EventHandler } from '../../src/jobs/event-worker.js';
import { stripIsolates } from '../../src/chat/bidi.js';
import { routerDeps } from './memory-channel.js';
import { createTelegramHarness, type TelegramHarness, type TgUser } from './telegram.js';
import { newPhone } from './services.js';

/** A message as the member reads it: the bidi isolates around Latin runs are invisible (test/chat/bidi-isolates.test.ts checks them). */
const shown = (m: LocalMessage): LocalMessage => ({ ...m, text: stripIsolates(m.text) });

export const CLUB_NUMBER = '+989000000001';

/** The club's short link (`<host>/j/<code>`) in a message, and its code. */
export function shortLinkIn(text: string): { url: string; code: string } {
  const m = /(https?:\/\/[^\s/]+\/j\/([A-Za-z0-9_-]+))/.exec(text);
  if (!m) throw new Error(`no short link in: ${text}`);
  return { url: m[1]!, code: m[2]! };
}

/** A member's phone on the local WhatsApp, writing over its HTTP routes. */
export class WaUser {
  private seen = 0;

  constructor(
    private readonly h: WhatsAppHarness,
    readonly phone: string,
    readonly name = 'Sara',
  ) {}

  /** Sends a message; the club's answers to it, texts only. */
  async send(text: string): Promise<string[]> {
    return (await this.sendFull(text)).map((m) => m.text);
  }

  async sendFull(text: string): Promise<LocalMessage[]> {
    const res = await this.h.api.app.inject({
      method: 'POST',
      url: `${LOCAL_WHATSAPP_PREFIX}/${this.h.merchantId}/messages`,
      payload: { from: this.phone, text, name: this.name },
    });
    if (res.statusCode !== 200) throw new Error(`local whatsapp answered ${res.statusCode}: ${res.body}`);
    const replies = res.json().replies as LocalMessage[];
    if (replies.length) this.seen = replies.at(-1)!.id;
    return replies.map(shown);
  }

  /** What the club sent after the last look (notifications, broadcasts), waiting up to `waitMs` for something. */
  async inbox(waitMs = 5000): Promise<LocalMessage[]> {
    const res = await this.h.api.app.inject({
      method: 'GET',
      url: `${LOCAL_WHATSAPP_PREFIX}/${this.h.merchantId}/chats/${encodeURIComponent(this.phone)}/messages?after=${this.seen}&wait=${waitMs}`,
    });
    const messages = (res.json().messages as LocalMessage[]).filter((m) => m.direction === 'out');
    if (messages.length) this.seen = messages.at(-1)!.id;
    return messages.map(shown);
  }
}

export interface WhatsAppHarness {
  api: TestApi;
  w: TestWorld;
  r: TestRedis;
  local: LocalWhatsApp;
  channel: WhatsAppChannel;
  merchantId: string;
  user(phone: string, name?: string): WaUser;
  /** Runs the outbox → notifier (and referral) handlers now, as the worker role would, with `extra` handlers too. */
  drain(extra?: EventHandler[]): Promise<void>;
  /** The number's queue worker (notifications, broadcast sends) at `intervalMs` pace. */
  startSender(intervalMs?: number): Promise<{ queue: Queue; stop(): Promise<void> }>;
  close(): Promise<void>;
}

/** The local WhatsApp for a club of a test world: channel, notifier handlers and the number's sender. */
export async function attachWhatsApp(w: TestWorld, r: TestRedis, merchantId: string, local = new LocalWhatsApp()) {
  await w.services.merchants.setWhatsAppNumber(merchantId, CLUB_NUMBER);
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const s = w.services;
  const channel = new WhatsAppChannel({
    mode: 'local',
    local,
    merchants: s.merchants,
    chat: { ...routerDeps(w), shortLinks: s.shortLinks, redis: r.redis, redisPrefix: r.prefix, logger },
    dataDir: '/nonexistent',
    redis: r.redis,
    redisPrefix: r.prefix,
    logger,
  });
  await channel.start();
  const outbox = new WhatsAppOutbox({ connection: r.redis, prefix: r.prefix });
  const handlers = [
    whatsappNotifier({
      outbox,
      merchants: s.merchants,
      members: s.members,
      memberStore: s.memberStore,
      screens: s.screens,
      settings: s.settings,
      shortLinks: s.shortLinks,
      defaultLocale: 'fa',
    }),
    referralEvents(s.referrals),
  ];
  const senders: { stop(): Promise<void> }[] = [];
  return {
    local,
    channel,
    outbox,
    handlers,
    /** The number's queue worker (notifications, broadcast sends) at `intervalMs` pace. */
    async startSender(intervalMs = 50) {
      const limiter = new WhatsAppRateLimiter(r.redis, r.prefix, { intervalMs, coldPerHour: 120 });
      const sender = startWhatsAppSender({ connection: r.redis, prefix: r.prefix, redis: r.redis }, merchantId, {
        channel: whatsappNotifications(channel),
        limiter,
        memberStore: s.memberStore,
        sender: {
          store: s.broadcastStore,
          broadcasts: s.broadcasts,
          ledger: s.ledger,
          vouchers: s.vouchers,
          memberStore: s.memberStore,
          screens: s.screens,
          channels: { whatsapp: whatsappDelivery(channel, limiter, s.shortLinks) },
          progress: (id) => w.broadcastQueues!.progress(id),
          requeue: (merchantId, broadcastId, recipient) => w.broadcastQueues!.enqueue(merchantId, broadcastId, [recipient]),
          defaultLocale: 'fa',
          logger,
          clock: w.clock,
        },
        logger,
      });
      const running = {
        queue: sender.queue as Queue,
        async stop() {
          await sender.worker.close();
          await sender.queue.close();
        },
      };
      senders.push(running);
      return running;
    },
    async close() {
      for (const x of senders) await x.stop();
      await outbox.close();
      await channel.stop();
    },
  };
}

/** The HTTP API and the local WhatsApp on one test world; the API's merchant is the club on WhatsApp. */
export async function createWhatsAppHarness(opts: { settings?: unknown } = {}): Promise<WhatsAppHarness> {
  const local = new LocalWhatsApp();
  const api = await createTestApi({
    settings: opts.settings,
    plugins: (w) => [
      async (app) => void (await app.register(localWhatsAppRoutes(local, w.services.merchants), { prefix: LOCAL_WHATSAPP_PREFIX })),
    ],
  });
  const { w, r } = api;
  const merchantId = api.merchant.id;
  const wa = await attachWhatsApp(w, r, merchantId, local);
  const h: WhatsAppHarness = {
    api,
    w,
    r,
    local: wa.local,
    channel: wa.channel,
    merchantId,
    user: (phone, name) => new WaUser(h, phone, name),
    async drain(extra = []) {
      await drainEvents(w.db, [...wa.handlers, ...extra]);
    },
    startSender: (intervalMs) => wa.startSender(intervalMs),
    async close() {
      await wa.close();
      await api.close();
    },
  };
  return h;
}

/** A club on Telegram and on the local WhatsApp, and a member who joined on Telegram (the same phone can write on WhatsApp). */
export async function createTelegramAndWhatsApp(userId: number) {
  const h: TelegramHarness = await createTelegramHarness();
  const wa = await attachWhatsApp(h.w, h.r, h.merchantId);
  const phone = newPhone();
  const tg: TgUser = h.user(userId, 'Sara');
  await tg.join(phone);
  const memberId = (await h.w.services.members.findByPhone(h.merchantId, phone))!.id;
  return {
    h,
    wa,
    tg,
    phone,
    memberId,
    async close() {
      await wa.close();
      await h.close();
    },
  };
}
