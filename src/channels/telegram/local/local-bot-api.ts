import { createHash, randomBytes } from 'node:crypto';
import { SavedState } from './saved-state.js';
import type { InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update, User } from 'grammy/types';

/** A Telegram-shaped API error: grammY turns these into GrammyError with the same code. */
export class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

export interface LocalUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface ChatMessage extends Message {
  /** true when the bot sent it. */
  outgoing: boolean;
  /** Set when the bot edited it. */
  edited?: boolean;
  deleted?: boolean;
}

interface Chat {
  user: LocalUser;
  messages: ChatMessage[];
  keyboard: ReplyKeyboardMarkup | null;
  blocked: boolean;
  nextMessageId: number;
  /** Answers to button presses (toasts), newest last. */
  answers: { callbackQueryId: string; text?: string; showAlert?: boolean }[];
  waiters: Set<() => void>;
  /** Bumped on every change (new message, edit, deletion, toast), for clients waiting on changes. */
  version: number;
}

interface LocalBot {
  token: string;
  id: number;
  username: string;
  firstName: string;
  webhook: { url: string; secret?: string } | null;
  queue: Update[];
  nextUpdateId: number;
  pollers: Set<() => void>;
  commands: unknown;
  chats: Map<number, Chat>;
}

export interface LocalBotApiOptions {
  /** Delivers an update to a bot's webhook; the server wires in an HTTP POST. */
  deliver?: (webhook: { url: string; secret?: string }, update: Update) => Promise<void>;
  /** Optional limits, for benchmarks: messages per second per bot and per chat, and injected faults. */
  limits?: { perBotPerSecond?: number; perChatPerSecond?: number };
  faults?: (method: string, payload: Record<string, unknown>) => BotApiError | undefined;
  /** Tests: milliseconds to wait before answering a call (a slow Telegram, a send in flight). */
  latency?: (method: string, payload: Record<string, unknown>) => number;
  /** Benchmarks: a chat the bot writes to exists even if its user never wrote first. */
  openChats?: boolean;
  /** Demo mode: a JSON file that keeps bots' chats, pending updates and counters across restarts. */
  stateFile?: string;
  /**
   * `bale`: behave like Bale's Bot API where it differs from Telegram's (see bale-api.md):
   * setMyCommands is unknown (404) and setWebhook keeps no secret_token (no header on delivery).
   */
  dialect?: 'telegram' | 'bale';
}

/** Methods Bale's Bot API documentation does not list, among those Bashgah's bots could call. */
const NOT_ON_BALE = new Set(['setMyCommands', 'deleteMyCommands', 'getMyCommands', 'sendDice']);

/** What survives a restart: everything but live waiters, webhooks (bots set theirs on start) and toasts. */
interface SavedBotApi {
  bots: { token: string; nextUpdateId: number; queue: Update[]; commands: unknown; chats: Omit<Chat, 'waiters' | 'answers'>[] }[];
  files: [string, { data: string; mime: string }][];
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * An in-memory stand-in for api.telegram.org: bots (by token), private chats with fake users,
 * the update queue (getUpdates) or webhook delivery, and the messages bots send. The HTTP side
 * lives in routes.ts; tests and the playground act as users through the client methods.
 */
export class LocalBotApi {
  private readonly bots = new Map<string, LocalBot>();
  private readonly files = new Map<string, { data: Buffer; mime: string }>();
  private readonly sentTimes = new Map<string, number[]>();
  private readonly queries = new Map<string, Chat>();

  private closing = false;
  private readonly saved?: SavedState<SavedBotApi>;

  constructor(private readonly opts: LocalBotApiOptions = {}) {
    if (!opts.stateFile) return;
    this.saved = new SavedState(opts.stateFile, () => this.snapshot());
    const state = this.saved.load();
    for (const b of state?.bots ?? []) {
      const bot = this.bot(b.token);
      Object.assign(bot, { nextUpdateId: b.nextUpdateId, queue: b.queue, commands: b.commands });
      for (const c of b.chats) bot.chats.set(c.user.id, { ...c, waiters: new Set(), answers: [] });
    }
    for (const [id, f] of state?.files ?? []) this.files.set(id, { data: Buffer.from(f.data, 'base64'), mime: f.mime });
  }

  private snapshot(): SavedBotApi {
    return {
      bots: [...this.bots.values()].map((b) => ({
        token: b.token,
        nextUpdateId: b.nextUpdateId,
        queue: b.queue,
        commands: b.commands,
        chats: [...b.chats.values()].map(({ waiters: _w, answers: _a, ...chat }) => chat),
      })),
      files: [...this.files].map(([id, f]) => [id, { data: f.data.toString('base64'), mime: f.mime }]),
    };
  }

  /** The server is shutting down: release every long poll now instead of after its timeout. */
  shutdown(): void {
    this.closing = true;
    for (const bot of this.bots.values()) for (const wake of [...bot.pollers]) wake();
    this.saved?.flush();
  }

  /** A bot is created on first use of its token; its username follows from the token. */
  bot(token: string): LocalBot {
    let bot = this.bots.get(token);
    if (!bot) {
      const m = /^(\d+):[A-Za-z0-9_-]+$/.exec(token);
      if (!m) throw new BotApiError(401, 'Unauthorized');
      const suffix = createHash('sha256').update(token).digest('hex').slice(0, 4);
      // A saved demo starts where it stopped; one whose file is gone starts above any id its bot
      // may still remember handling (the clock in ms), so its updates are not taken for repeats.
      const nextUpdateId = this.opts.stateFile ? Date.now() : 1;
      bot = {
        token,
        id: Number(m[1]),
        username: `bashgah_${suffix}_bot`,
        firstName: 'Bashgah',
        webhook: null,
        queue: [],
        nextUpdateId,
        pollers: new Set(),
        commands: [],
        chats: new Map(),
      };
      this.bots.set(token, bot);
    }
    return bot;
  }

  botByUsername(username: string): LocalBot {
    for (const bot of this.bots.values()) if (bot.username === username) return bot;
    throw new BotApiError(404, `no bot @${username} has talked to this server yet`);
  }

  listBots() {
    return [...this.bots.values()].map((b) => ({
      id: b.id,
      username: b.username,
      firstName: b.firstName,
      webhook: b.webhook?.url ?? null,
    }));
  }

  // ───────────── users' side ─────────────

  private chat(bot: LocalBot, user: LocalUser): Chat {
    let chat = bot.chats.get(user.id);
    if (!chat) {
      chat = { user, messages: [], keyboard: null, blocked: false, nextMessageId: 1, answers: [], waiters: new Set(), version: 0 };
      bot.chats.set(user.id, chat);
    }
    chat.user = { ...chat.user, ...user };
    return chat;
  }

  private push(bot: LocalBot, update: Omit<Update, 'update_id'>): Update {
    const full = { update_id: bot.nextUpdateId++, ...update } as Update;
    this.saved?.changed();
    if (bot.webhook && this.opts.deliver) {
      void this.opts.deliver(bot.webhook, full);
    } else {
      bot.queue.push(full);
      for (const wake of bot.pollers) wake();
    }
    return full;
  }

  private userMessage(bot: LocalBot, user: LocalUser, fields: Partial<Message>): Message {
    const chat = this.chat(bot, user);
    const message = {
      message_id: chat.nextMessageId++,
      date: now(),
      chat: { id: user.id, type: 'private', first_name: user.first_name },
      from: { ...user, is_bot: false },
      ...fields,
    } as Message;
    chat.messages.push({ ...message, outgoing: false });
    this.wake(chat);
    return message;
  }

  /** The user writes text (commands included: "/start r_ABC"). */
  sendText(token: string, user: LocalUser, text: string): Update {
    const bot = this.bot(token);
    const command = /^\/[A-Za-z0-9_]+/.exec(text);
    const entities = command ? [{ type: 'bot_command' as const, offset: 0, length: command[0].length }] : undefined;
    return this.push(bot, { message: this.userMessage(bot, user, { text, entities }) as Update['message'] });
  }

  /** The user shares a contact (their own, from the keyboard button, unless `ownerId` says otherwise). */
  sendContact(token: string, user: LocalUser, phone: string, ownerId: number | undefined = user.id): Update {
    const bot = this.bot(token);
    return this.push(bot, {
      message: this.userMessage(bot, user, {
        contact: { phone_number: phone, first_name: user.first_name, user_id: ownerId },
      }) as Update['message'],
    });
  }

  /** The user presses an inline button under one of the bot's messages. */
  pressButton(token: string, user: LocalUser, messageId: number, data: string): Update {
    const bot = this.bot(token);
    const chat = this.chat(bot, user);
    const message = chat.messages.find((m) => m.message_id === messageId && m.outgoing);
    if (!message) throw new BotApiError(400, `no message ${messageId} from the bot in this chat`);
    const id = randomBytes(8).toString('hex');
    this.queries.set(id, chat);
    return this.push(bot, {
      callback_query: { id, from: { ...user, is_bot: false }, chat_instance: String(user.id), data, message: this.strip(message) },
    });
  }

  setBlocked(token: string, userId: number, blocked: boolean): void {
    const bot = this.bot(token);
    const chat = bot.chats.get(userId);
    if (chat) chat.blocked = blocked;
    this.saved?.changed();
  }

  /** The chat is gone from this Bot API (a deleted account, or a server that lost its state): sends answer "chat not found". */
  forgetChat(token: string, userId: number): void {
    this.bot(token).chats.delete(userId);
    this.saved?.changed();
  }

  /** What is in a chat after a message id (both sides), the current reply keyboard, and toasts. */
  transcript(token: string, userId: number, after = 0) {
    const chat = this.bot(token).chats.get(userId);
    if (!chat) return { messages: [] as ChatMessage[], keyboard: null, answers: [] as Chat['answers'] };
    return { messages: chat.messages.filter((m) => m.message_id > after), keyboard: chat.keyboard, answers: chat.answers };
  }

  /** Resolves once the bot has sent `count` messages after `after` (or edited one), or after `timeoutMs`. */
  async waitForBot(
    token: string,
    userId: number,
    opts: { after?: number; count?: number; timeoutMs?: number } = {},
  ): Promise<ChatMessage[]> {
    const deadline = Date.now() + (opts.timeoutMs ?? 5_000);
    const count = opts.count ?? 1;
    const bot = this.bot(token);
    for (;;) {
      const chat = bot.chats.get(userId);
      const out = chat ? chat.messages.filter((m) => m.outgoing && (m.message_id > (opts.after ?? 0) || m.edited)) : [];
      if (out.filter((m) => m.message_id > (opts.after ?? 0)).length >= count || Date.now() >= deadline) return out;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        const c = this.chat(bot, chat?.user ?? { id: userId, first_name: 'User' });
        const wake = () => {
          clearTimeout(timer);
          c.waiters.delete(wake);
          resolve();
        };
        c.waiters.add(wake);
      });
    }
  }

  file(fileId: string) {
    return this.files.get(fileId);
  }

  private wake(chat: Chat) {
    chat.version++;
    this.saved?.changed();
    for (const w of [...chat.waiters]) w();
  }

  /** The whole chat once it differs from `since` (a version from an earlier answer), or after `timeoutMs`. */
  async chatAfterChange(token: string, user: LocalUser, since: number, timeoutMs: number) {
    const chat = this.chat(this.bot(token), user);
    if (chat.version <= since) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          chat.waiters.delete(done);
          resolve();
        }
        chat.waiters.add(done);
      });
    }
    return {
      version: chat.version,
      messages: chat.messages.filter((m) => !m.deleted),
      keyboard: chat.keyboard,
      answers: chat.answers.slice(-5),
    };
  }

  // ───────────── the Bot API the bots call ─────────────

  private target(bot: LocalBot, chatId: unknown): Chat {
    if (this.opts.openChats && !bot.chats.has(Number(chatId))) this.chat(bot, { id: Number(chatId), first_name: 'Member' });
    const chat = bot.chats.get(Number(chatId));
    if (!chat) throw new BotApiError(400, 'Bad Request: chat not found');
    if (chat.blocked) throw new BotApiError(403, 'Forbidden: bot was blocked by the user');
    return chat;
  }

  private limit(bot: LocalBot, chatId: number) {
    const limits = this.opts.limits;
    if (!limits) return;
    const t = Date.now();
    for (const [key, max] of [
      [`b${bot.id}`, limits.perBotPerSecond],
      [`c${bot.id}:${chatId}`, limits.perChatPerSecond],
    ] as const) {
      if (!max) continue;
      const times = (this.sentTimes.get(key) ?? []).filter((x) => x > t - 1000);
      if (times.length >= max) throw new BotApiError(429, 'Too Many Requests: retry after 1', 1);
      times.push(t);
      this.sentTimes.set(key, times);
    }
  }

  private record(bot: LocalBot, chat: Chat, fields: Partial<Message>, replyMarkup: unknown): ChatMessage {
    const markup = replyMarkup as { keyboard?: unknown; remove_keyboard?: boolean; inline_keyboard?: unknown } | undefined;
    if (markup?.keyboard) chat.keyboard = markup as ReplyKeyboardMarkup;
    if (markup?.remove_keyboard) chat.keyboard = null;
    const message: ChatMessage = {
      message_id: chat.nextMessageId++,
      date: now(),
      chat: { id: chat.user.id, type: 'private', first_name: chat.user.first_name },
      from: { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username } as User,
      ...(markup?.inline_keyboard ? { reply_markup: markup as InlineKeyboardMarkup } : {}),
      ...fields,
      outgoing: true,
    } as ChatMessage;
    chat.messages.push(message);
    this.wake(chat);
    return message;
  }

  private strip(m: ChatMessage): Message {
    const { outgoing: _o, edited: _e, deleted: _d, ...plain } = m;
    return plain as Message;
  }

  /** One Bot API call. `files` holds multipart uploads by part name (attach://name). */
  async call(
    token: string,
    method: string,
    p: Record<string, unknown>,
    files: Map<string, { data: Buffer; mime: string }> = new Map(),
  ): Promise<unknown> {
    const bot = this.bot(token);
    const wait = this.opts.latency?.(method, p) ?? 0;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const fault = this.opts.faults?.(method, p);
    if (fault) throw fault;
    const bale = this.opts.dialect === 'bale';
    if (bale && NOT_ON_BALE.has(method)) throw new BotApiError(404, 'Not Found: method not found');
    switch (method) {
      case 'getMe':
        return {
          id: bot.id,
          is_bot: true,
          first_name: bot.firstName,
          username: bot.username,
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case 'getUpdates': {
        const offset = Number(p.offset ?? 0);
        if (offset && bot.queue[0] && bot.queue[0].update_id < offset) {
          bot.queue = bot.queue.filter((u) => u.update_id >= offset);
          this.saved?.changed();
        }
        const limit = Number(p.limit ?? 100);
        if (!bot.queue.length && Number(p.timeout ?? 0) > 0 && !this.closing) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, Number(p.timeout) * 1000);
            function done() {
              clearTimeout(timer);
              bot.pollers.delete(done);
              resolve();
            }
            bot.pollers.add(done);
          });
        }
        return bot.queue.slice(0, limit);
      }
      case 'setWebhook':
        bot.webhook = { url: String(p.url), secret: p.secret_token && !bale ? String(p.secret_token) : undefined };
        if (p.drop_pending_updates) bot.queue = [];
        return true;
      case 'deleteWebhook':
        bot.webhook = null;
        if (p.drop_pending_updates) bot.queue = [];
        return true;
      case 'getWebhookInfo':
        return { url: bot.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: bot.queue.length };
      case 'setMyCommands':
        bot.commands = p.commands;
        this.saved?.changed();
        return true;
      case 'getMyCommands':
        return bot.commands;
      case 'deleteMyCommands':
      case 'setChatMenuButton':
      case 'setMyDescription':
      case 'setMyShortDescription':
        return true;
      case 'sendChatAction':
        this.target(bot, p.chat_id);
        return true;
      case 'sendMessage': {
        const chat = this.target(bot, p.chat_id);
        this.limit(bot, chat.user.id);
        if (!p.text || !String(p.text).trim()) throw new BotApiError(400, 'Bad Request: message text is empty');
        return this.strip(this.record(bot, chat, { text: String(p.text) }, p.reply_markup));
      }
      case 'sendPhoto': {
        const chat = this.target(bot, p.chat_id);
        this.limit(bot, chat.user.id);
        const ref = String(p.photo ?? '');
        let fileId = ref;
        if (ref.startsWith('attach://')) {
          const upload = files.get(ref.slice('attach://'.length));
          if (!upload) throw new BotApiError(400, 'Bad Request: file must be non-empty');
          fileId = `local-${randomBytes(8).toString('hex')}`;
          this.files.set(fileId, upload);
          this.saved?.changed();
        } else if (!this.files.has(ref)) {
          throw new BotApiError(400, 'Bad Request: wrong file identifier/HTTP URL specified');
        }
        const photo = [
          { file_id: fileId, file_unique_id: fileId, width: 512, height: 512, file_size: this.files.get(fileId)!.data.length },
        ];
        return this.strip(this.record(bot, chat, { photo, caption: p.caption ? String(p.caption) : undefined }, p.reply_markup));
      }
      case 'sendDice': {
        const chat = this.target(bot, p.chat_id);
        const emoji = String(p.emoji ?? '🎲');
        const max = emoji === '🎰' ? 64 : emoji === '🎯' || emoji === '🎲' || emoji === '🎳' ? 6 : 5;
        return this.strip(this.record(bot, chat, { dice: { emoji, value: 1 + Math.floor(Math.random() * max) } }, p.reply_markup));
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup':
      case 'editMessageCaption': {
        const chat = this.target(bot, p.chat_id);
        const message = chat.messages.find((m) => m.message_id === Number(p.message_id) && m.outgoing && !m.deleted);
        if (!message) throw new BotApiError(400, 'Bad Request: message to edit not found');
        const text = method === 'editMessageText' ? String(p.text ?? '') : message.text;
        const caption = method === 'editMessageCaption' ? String(p.caption ?? '') : message.caption;
        const markup = p.reply_markup as InlineKeyboardMarkup | undefined;
        if (
          text === message.text &&
          caption === message.caption &&
          JSON.stringify(markup ?? null) === JSON.stringify(message.reply_markup ?? null)
        ) {
          throw new BotApiError(
            400,
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
          );
        }
        Object.assign(message, { text, caption, reply_markup: markup, edited: true, edit_date: now() });
        if (!markup) delete message.reply_markup;
        this.wake(chat);
        return this.strip(message);
      }
      case 'deleteMessage': {
        const chat = this.target(bot, p.chat_id);
        const message = chat.messages.find((m) => m.message_id === Number(p.message_id));
        if (!message) throw new BotApiError(400, 'Bad Request: message to delete not found');
        message.deleted = true;
        this.wake(chat);
        return true;
      }
      case 'answerCallbackQuery': {
        const chat = this.queries.get(String(p.callback_query_id));
        if (!chat) throw new BotApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        this.queries.delete(String(p.callback_query_id));
        chat.answers.push({
          callbackQueryId: String(p.callback_query_id),
          text: p.text ? String(p.text) : undefined,
          showAlert: Boolean(p.show_alert),
        });
        this.wake(chat);
        return true;
      }
      default:
        throw new BotApiError(404, 'Not Found');
    }
  }
}
