import { Api } from 'grammy';
import { BotApiError, LocalBotApi } from '../../src/channels/telegram/local/local-bot-api.js';
import { startLocalBotApi } from '../../src/channels/telegram/local/routes.js';
import { startBroadcasting } from '../../src/jobs/broadcasting.js';
import { botDelivery, telegramBroadcasts } from '../../src/channels/telegram/delivery.js';
import type { BotChannelName } from '../../src/domain/merchants/merchant-service.js';
import { createLogger } from '../../src/logger.js';
import { newBotToken } from '../helpers/telegram.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { createTestWorld, newPhone, type TestWorld } from '../helpers/services.js';

/** What the fake Telegram did: every message per chat, 429s it gave, and sends that came too early. */
export class FakeTelegram {
  readonly received = new Map<number, string[]>();
  /** chat id → error to answer every send to it with (403, 500, …) */
  readonly alwaysFail = new Map<number, BotApiError>();
  /** chat id → errors to answer the next sends with, once each */
  readonly failOnce = new Map<number, BotApiError[]>();
  /** chat id → milliseconds before answering */
  readonly slow = new Map<number, number>();
  /** Answer the n-th send overall with a 429 of this many seconds. */
  rateLimitAt: { n: number; seconds: number } | null = null;
  /** Chats whose send has reached Telegram (it may not be answered yet). */
  readonly arrived = new Set<number>();
  pausedUntil = 0;
  earlySends = 0;
  sends = 0;

  readonly api = new LocalBotApi({
    openChats: true,
    latency: (method, p) => {
      if (!method.startsWith('send')) return 0;
      this.arrived.add(Number(p.chat_id));
      return this.slow.get(Number(p.chat_id)) ?? 0;
    },
    faults: (method, p) => {
      if (!method.startsWith('send')) return undefined;
      const chat = Number(p.chat_id);
      if (Date.now() < this.pausedUntil) {
        this.earlySends++;
        return new BotApiError(429, 'Too Many Requests: retry after 1', 1);
      }
      this.sends++;
      if (this.rateLimitAt && this.sends === this.rateLimitAt.n) {
        this.pausedUntil = Date.now() + this.rateLimitAt.seconds * 1000;
        return new BotApiError(429, `Too Many Requests: retry after ${this.rateLimitAt.seconds}`, this.rateLimitAt.seconds);
      }
      const fixed = this.alwaysFail.get(chat);
      if (fixed) return fixed;
      const once = this.failOnce.get(chat)?.shift();
      if (once) return once;
      this.received.set(chat, [...(this.received.get(chat) ?? []), String(p.text ?? p.caption ?? '')]);
      return undefined;
    },
  });

  maxCopies() {
    return Math.max(0, ...[...this.received.values()].map((v) => v.length));
  }
}

export interface BroadcastRig {
  w: TestWorld;
  r: TestRedis;
  tg: FakeTelegram;
  merchantId: string;
  token: string;
  apiRoot: string;
  start(): Promise<{ stop(): Promise<void> }>;
  members(n: number, extra?: (i: number) => { tags?: string[]; firstName?: string }): Promise<{ id: string; chat: number }[]>;
  waitUntil(
    broadcastId: string,
    done: (s: Awaited<ReturnType<TestWorld['services']['broadcasts']['status']>>) => boolean,
    timeoutMs?: number,
  ): Promise<Awaited<ReturnType<TestWorld['services']['broadcasts']['status']>>>;
  close(): Promise<void>;
}

let chatIds = 5_000_000;

/**
 * A test world whose merchant's bot talks to a fake Telegram, with the real broadcast workers;
 * `channel: 'bale'` makes it the club's Bale bot (and its members Bale members) instead.
 */
export async function createBroadcastRig(opts: { ratePerSecond?: number; channel?: BotChannelName } = {}): Promise<BroadcastRig> {
  const channel = opts.channel ?? 'telegram';
  const r = createTestRedis();
  const rate = opts.ratePerSecond ?? 200;
  // Fast retries in tests; production waits 1 s, 2 s, 4 s, …
  const w = await createTestWorld({ redis: r, broadcastRatePerSecond: rate, broadcastRetryDelayMs: 20 });
  const tg = new FakeTelegram();
  const local = await startLocalBotApi({ api: tg.api, prefix: channel === 'bale' ? '/bale-tapi' : undefined });
  const token = newBotToken();
  const merchantId = await w.newMerchant(undefined, 'کافه تهران');
  await w.services.merchants.setBotToken(channel, merchantId, token);
  const api = new Api(token, { apiRoot: local.apiRoot });
  const bots = { name: channel, api: async () => api, usernameOf: async () => 'cafe_club_bot' };
  const pace = { redis: r.redis, prefix: r.prefix, ratePerSecond: rate };
  const running: { stop(): Promise<void> }[] = [];
  return {
    w,
    r,
    tg,
    merchantId,
    token,
    apiRoot: local.apiRoot,
    async start() {
      const b = await startBroadcasting({
        ctx: { connection: r.redis, prefix: r.prefix, redis: r.redis },
        queues: w.broadcastQueues!,
        services: w.services,
        telegram: telegramBroadcasts(channel === 'telegram' ? bots : { api: async () => null, usernameOf: async () => null }, pace),
        channels: channel === 'bale' ? { bale: botDelivery(bots, pace) } : undefined,
        defaultLocale: 'fa',
        logger: createLogger('silent'),
        workerOptions: { lockDuration: 1000, stalledInterval: 500 },
      });
      running.push(b);
      return b;
    },
    async members(n, extra = () => ({})) {
      const out = [];
      for (let i = 0; i < n; i++) {
        const chat = ++chatIds;
        const e = extra(i);
        const { member } = await w.services.members.register({
          merchantId,
          phone: newPhone(),
          channel,
          externalUserId: String(chat),
          chatId: String(chat),
          firstName: e.firstName,
        });
        if (e.tags) await w.services.members.tag(merchantId, member.id, e.tags);
        out.push({ id: member.id, chat });
      }
      return out;
    },
    async waitUntil(broadcastId, done, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await w.services.broadcasts.status(merchantId, broadcastId);
        if (done(s)) return s;
        if (Date.now() > deadline)
          throw new Error(`broadcast ${broadcastId} stuck: ${JSON.stringify({ status: s.status, counts: s.counts })}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    async close() {
      for (const b of running) await b.stop();
      await local.close();
      await w.close();
      await r.cleanup();
    },
  };
}
