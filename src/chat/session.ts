import type { Redis } from 'ioredis';
import type { Awaiting } from './feedback-chat.js';
import type { Locale } from './i18n.js';
import type { StartPayload } from './start-payload.js';

/** A question in progress: what the member's next message answers. */
export type Flow =
  /** Telegram: between /start and the shared contact. */
  | { kind: 'join' }
  /** `edit`: from the profile screen (the menu does not follow). */
  | { kind: 'profile'; step: number; edit?: boolean }
  | { kind: 'code'; tries: number }
  | { kind: 'feedback'; awaiting: Awaiting };

/** One chat's state, for every channel: plain JSON, kept in Redis so any replica continues where the member was. */
export interface ChatSession {
  locale?: Locale;
  flow?: Flow;
  /** What a link opened before joining carried (referral code, source tag). */
  start?: StartPayload;
  /** Numbered channels: what each number of the last screen does (encoded actions); absent: the main menu's. */
  options?: string[];
  /** The number of `options[0]`: 1, or 0 on a 0–10 score scale. */
  optionBase?: 0 | 1;
  /** The text that offered the options, to ask again after an answer that is none of them. */
  prompt?: string;
}

const TTL_SECONDS = 30 * 86_400;

/** Sessions of one channel in Redis, one key per merchant and chat. */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(merchantId: string, chatId: string) {
    return `${this.prefix}:${merchantId}:${chatId}`;
  }

  async load(merchantId: string, chatId: string): Promise<ChatSession> {
    const raw = await this.redis.get(this.key(merchantId, chatId));
    return raw ? (JSON.parse(raw) as ChatSession) : {};
  }

  async save(merchantId: string, chatId: string, session: ChatSession): Promise<void> {
    await this.redis.set(this.key(merchantId, chatId), JSON.stringify(session), 'EX', TTL_SECONDS);
  }

  async update(merchantId: string, chatId: string, change: (s: ChatSession) => ChatSession): Promise<void> {
    await this.save(merchantId, chatId, change(await this.load(merchantId, chatId)));
  }
}
