import { randomBytes } from 'node:crypto';
import { LocalBotApi, type LocalUser, type ChatMessage } from '../../src/channels/telegram/local/local-bot-api.js';
import { deliverToWebhook, startLocalBotApi } from '../../src/channels/telegram/local/routes.js';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import { telegramNotifier } from '../../src/channels/telegram/notifier.js';
import { createLogger } from '../../src/logger.js';
import { createPanelAccess, panelLinkIssuer } from '../../src/app/container.js';
import { createTestRedis, type TestRedis } from './redis.js';
import { createTestWorld, type TestWorld } from './services.js';
import { stripIsolates } from '../../src/chat/bidi.js';
import type { BotChannelName } from '../../src/domain/merchants/merchant-service.js';

/** A message as the member reads it: the bidi isolates around Latin runs are invisible (test/chat/bidi-isolates.test.ts checks them). */
export const shown = (m: ChatMessage): ChatMessage => ({
  ...m,
  ...(m.text ? { text: stripIsolates(m.text) } : {}),
  ...(m.caption ? { caption: stripIsolates(m.caption) } : {}),
});

let tokenCounter = 0;
export function newBotToken(): string {
  tokenCounter++;
  return `${7_000_000 + (process.pid % 1000) * 1000 + tokenCounter}:TEST-${randomBytes(12).toString('base64url')}`;
}

/** A fake Telegram user talking to the bot through the local Bot API. */
export class TgUser {
  constructor(
    readonly api: LocalBotApi,
    readonly token: string,
    readonly user: LocalUser,
  ) {}

  /** All the bot has sent in this chat, oldest first. */
  botMessages(): ChatMessage[] {
    return this.api
      .transcript(this.token, this.user.id)
      .messages.filter((m) => m.outgoing && !m.deleted)
      .map(shown);
  }

  keyboardLabels(): string[] {
    return (this.api.transcript(this.token, this.user.id).keyboard?.keyboard ?? []).flat().map((b) => (typeof b === 'string' ? b : b.text));
  }

  private lastId(): number {
    return this.api.transcript(this.token, this.user.id).messages.at(-1)?.message_id ?? 0;
  }

  private async expectReplies(act: () => void, count: number, timeoutMs: number): Promise<ChatMessage[]> {
    const after = this.lastId();
    act();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = this.botMessages().filter((m) => m.message_id > after);
      if (fresh.length >= count) {
        // Let a message that belongs to the same answer arrive too.
        await new Promise((r) => setTimeout(r, 30));
        return this.botMessages().filter((m) => m.message_id > after);
      }
      if (Date.now() > deadline)
        throw new Error(
          `expected ${count} bot message(s) after ${after}, got ${fresh.length}: ${JSON.stringify(fresh.map((m) => m.text ?? m.caption))}`,
        );
      await this.api.waitForBot(this.token, this.user.id, { after, count, timeoutMs: 200 });
    }
  }

  /**
   * Waits until the bot has handled everything this user sent so far, to prove that something did
   * NOT happen without a fixed sleep. Updates of one chat are handled in order (sequentialize), so
   * the answer to a button no feature knows comes after them; it adds no message to the chat.
   * Not for a chat inside a conversation (the conversation would take the press).
   */
  async handled(timeoutMs = 8_000): Promise<void> {
    const last = this.botMessages().at(-1);
    if (!last) throw new Error('handled() needs a bot message to press under');
    const id = this.api.pressButton(this.token, this.user, last.message_id, 'test:handled').callback_query!.id;
    const deadline = Date.now() + timeoutMs;
    let version = -1;
    while (!this.api.transcript(this.token, this.user.id).answers.some((a) => a.callbackQueryId === id)) {
      if (Date.now() > deadline) throw new Error("the bot did not get to the end of this chat's updates");
      version = (await this.api.chatAfterChange(this.token, this.user, version, Math.max(0, deadline - Date.now()))).version;
    }
  }

  /** Sends text and waits for `count` bot messages; returns what the bot sent. */
  send(text: string, count = 1, timeoutMs = 8_000) {
    return this.expectReplies(() => this.api.sendText(this.token, this.user, text), count, timeoutMs);
  }

  shareContact(phone: string, ownerId: number = this.user.id, count = 1) {
    return this.expectReplies(() => this.api.sendContact(this.token, this.user, phone, ownerId), count, 8_000);
  }

  /** Joins the club: /start (or a deep link), shares the phone, skips every profile question. */
  async join(phone: string, start = '/start'): Promise<void> {
    await this.send(start);
    await this.shareContact(phone, this.user.id, 3);
    for (let i = 0; i < 4; i++) await this.send('⏭ رد شدن');
    await this.send('⏭ رد شدن', 2);
  }

  /** The newest bot message with a button whose action starts with `prefix`, and that action. */
  button(prefix: string): { message: ChatMessage; data: string } {
    for (const message of [...this.botMessages()].reverse()) {
      const b = (message.reply_markup?.inline_keyboard ?? [])
        .flat()
        .find((x) => 'callback_data' in x && x.callback_data.startsWith(prefix));
      if (b && 'callback_data' in b) return { message, data: b.callback_data };
    }
    throw new Error(`no button starting with ${prefix}`);
  }

  press(message: ChatMessage, data: string, count = 1) {
    return this.expectReplies(() => this.api.pressButton(this.token, this.user, message.message_id, data), count, 8_000);
  }

  /** Presses an inline button and waits for that message's text to change; returns a snapshot. */
  async pressAndWaitForEdit(message: ChatMessage, data: string): Promise<ChatMessage> {
    const current = () => this.botMessages().find((m) => m.message_id === message.message_id)!;
    const before = current().text;
    const started = Date.now();
    this.api.pressButton(this.token, this.user, message.message_id, data);
    for (;;) {
      const now = current();
      if (now.text !== before) return structuredClone(now);
      if (Date.now() - started > 8_000) throw new Error(`message ${message.message_id} was not edited after pressing ${data}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export interface TelegramHarness {
  w: TestWorld;
  r: TestRedis;
  api: LocalBotApi;
  apiRoot: string;
  merchantId: string;
  token: string;
  channel: TelegramChannel;
  user(id: number, firstName?: string, extra?: Partial<LocalUser>): TgUser;
  /** A new channel on the same Redis and database: what a restarted process would run. */
  restart(): Promise<void>;
  /** Stops the local Bot API and starts a new one on the same port over its state file (opts.botApiState). */
  restartBotApi(whileStopped?: () => Promise<unknown>): Promise<void>;
  newChannel(opts?: { publicUrl?: string }): TelegramChannel;
  close(): Promise<void>;
}

/** Where Bale's stand-in serves: a root of its own, as Bale's `https://tapi.bale.ai` is not Telegram's. */
export const BALE_SHAPED_PREFIX = '/bale-tapi';

export async function createTelegramHarness(
  opts: {
    settings?: unknown;
    clubName?: string;
    wheelFrameMs?: number;
    botApiState?: string;
    /** Bale: the same bot code, a Bale token on the merchant, the stand-in at a Bale-shaped root. */
    channel?: BotChannelName;
    /** Another club's world (a member on Telegram and Bale in one club). */
    world?: { w: TestWorld; r: TestRedis; merchantId: string };
  } = {},
): Promise<TelegramHarness> {
  const channel = opts.channel ?? 'telegram';
  const r = opts.world?.r ?? createTestRedis();
  const w = opts.world?.w ?? (await createTestWorld({ redis: r }));
  const newBotApi = () => new LocalBotApi({ deliver: deliverToWebhook, stateFile: opts.botApiState, dialect: channel });
  const prefix = channel === 'bale' ? BALE_SHAPED_PREFIX : undefined;
  let local = await startLocalBotApi({ api: newBotApi(), prefix });
  const merchantId = opts.world?.merchantId ?? (await w.newMerchant(opts.settings, opts.clubName ?? 'کافه تهران'));
  const token = newBotToken();
  await w.services.merchants.setBotToken(channel, merchantId, token);
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const screens = w.services.screens;
  const newChannel = (o: { publicUrl?: string } = {}) =>
    new TelegramChannel({
      channel,
      apiRoot: local.apiRoot,
      publicUrl: o.publicUrl,
      merchants: w.services.merchants,
      deps: {
        members: w.services.members,
        memberQueries: w.services.memberQueries,
        screens,
        referrals: w.services.referrals,
        rewards: w.services.rewardChat,
        feedback: w.services.feedbackChat,
        tickets: w.services.tickets,
        monthlyReport: w.services.monthlyReport,
        admin: w.services.admin,
        operators: w.services.operators,
        campaigns: w.services.campaigns,
        broadcasts: w.services.broadcasts,
        panelLink: panelLinkIssuer(createPanelAccess(w.services, r.redis, r.prefix), 'http://localhost:3000'),
        wheelFrameMs: opts.wheelFrameMs ?? 0,
        redis: r.redis,
        redisPrefix: r.prefix,
        defaultLocale: 'fa',
        logger,
        clock: w.clock,
      },
      logger,
    });
  const h: TelegramHarness = {
    w,
    r,
    api: local.api,
    apiRoot: local.apiRoot,
    merchantId,
    token,
    channel: newChannel(),
    user: (id, firstName = 'Sara', extra = {}) => new TgUser(local.api, token, { id, first_name: firstName, ...extra }),
    async restart() {
      await h.channel.stop();
      h.channel = newChannel();
      await h.channel.start();
    },
    async restartBotApi(whileStopped) {
      await h.channel.stop();
      const port = Number(new URL(local.apiRoot).port);
      await local.close();
      await whileStopped?.();
      local = await startLocalBotApi({ api: newBotApi(), port, prefix });
      h.api = local.api;
      h.channel = newChannel();
      await h.channel.start();
    },
    newChannel,
    async close() {
      await h.channel.stop();
      await local.close();
      if (opts.world) return;
      await w.close();
      await r.cleanup();
    },
  };
  await h.channel.start();
  return h;
}

/** The worker's notifier for Telegram members of a harness: pair it with drainEvents to deliver what the outbox holds. */
export function harnessNotifier(h: TelegramHarness) {
  return telegramNotifier({
    telegram: h.channel,
    members: h.w.services.members,
    memberStore: h.w.services.memberStore,
    screens: h.w.services.screens,
    settings: h.w.services.settings,
    defaultLocale: 'fa',
    logger: createLogger('silent'),
  });
}
