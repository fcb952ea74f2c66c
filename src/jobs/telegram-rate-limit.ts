import type { Redis } from 'ioredis';
import type { Booking } from './broadcast-sender.js';

/**
 * GCRA in Redis, shared by every worker process: a bot sends at most `rate` messages a second
 * on a fixed schedule (slot k at start + k·interval; a send may come up to half a slot early,
 * so a little lateness is not lost for good, and no second holds more than rate + 1), and a
 * chat gets at most one a second. While Telegram's retry_after runs, nothing is booked.
 * Returns [0, 0] when the send may go now (and books it), else [reason, milliseconds to wait].
 */
const BOOK = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local pause = redis.call('PTTL', KEYS[3])
if pause > 0 then return {3, pause} end
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
if tat - now > tolerance then return {1, tat - now - tolerance} end
local chat = redis.call('PTTL', KEYS[2])
if chat > 0 then return {2, chat} end
redis.call('SET', KEYS[1], tat + interval, 'PX', 60000)
redis.call('SET', KEYS[2], '1', 'PX', 1000)
return {0, 0}`;

const REASONS = { 1: 'bot', 2: 'chat', 3: 'paused' } as const;

export class TelegramRateLimiter {
  private readonly interval: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    ratePerSecond: number,
    /** Keys per messenger: bot ids of Telegram and Bale are separate number spaces, each paced on its own. */
    private readonly namespace = 'tg',
  ) {
    this.interval = 1000 / ratePerSecond;
    redis.defineCommand('bashgahBookSend', { numberOfKeys: 3, lua: BOOK });
  }

  private keys(botId: string, chatId: string) {
    const ns = `${this.prefix}:${this.namespace}`;
    return [`${ns}-rate:${botId}`, `${ns}-chat:${botId}:${chatId}`, `${ns}-pause:${botId}`];
  }

  /** Books a send slot for this bot and chat, or says how long to wait and why. */
  async book(botId: string, chatId: string): Promise<Booking> {
    const [code, ms] = await (this.redis as unknown as { bashgahBookSend(...a: unknown[]): Promise<[number, number]> }).bashgahBookSend(
      ...this.keys(botId, chatId),
      Date.now(),
      this.interval,
      this.interval / 2,
    );
    return code === 0 ? { ok: true } : { ok: false, waitMs: Math.ceil(Number(ms)), reason: REASONS[code as 1 | 2 | 3] };
  }

  /** Telegram said 429: nothing goes to this bot until retry_after has passed. */
  async pause(botId: string, retryAfterSeconds: number): Promise<void> {
    await this.redis.set(this.keys(botId, '-')[2]!, '1', 'PX', Math.max(1, Math.ceil(retryAfterSeconds * 1000)));
  }
}
