import type { Redis } from 'ioredis';
import type { Booking } from './broadcast-sender.js';

/**
 * Pace of one WhatsApp number, shared by every process that sends from it: one message per
 * `intervalMs` (strictly, no bursts), and at most `coldPerHour` in any sliding hour to contacts
 * who have not written to the club first. Returns [0, 0] and books the send, or [reason,
 * milliseconds to wait] with reason 1 (pace) or 2 (first-contact cap).
 */
const BOOK = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local cold = ARGV[5] == '1'
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat > now then return {1, tat - now} end
if cold then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
  if redis.call('ZCARD', KEYS[2]) >= cap then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return {2, tonumber(oldest[2]) + window - now}
  end
  redis.call('ZADD', KEYS[2], now, ARGV[6])
  redis.call('PEXPIRE', KEYS[2], window)
end
redis.call('SET', KEYS[1], now + interval, 'PX', math.max(interval * 2, 60000))
return {0, 0}`;

export interface WhatsAppPace {
  /** Milliseconds between two messages from one number (default 1000). */
  intervalMs: number;
  /** Messages per sliding hour to contacts who never wrote first (default 120). */
  coldPerHour: number;
}

const HOUR_MS = 3_600_000;

export class WhatsAppRateLimiter {
  private seq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly pace: WhatsAppPace,
  ) {
    redis.defineCommand('bashgahBookWhatsApp', { numberOfKeys: 2, lua: BOOK });
  }

  /** Books a send from `number`; `cold` when the recipient has never written to it. `now` is for tests. */
  async book(number: string, opts: { cold: boolean }, now = Date.now()): Promise<Booking> {
    const keys = [`${this.prefix}:wa-rate:${number}`, `${this.prefix}:wa-cold:${number}`];
    const id = `${now}:${process.pid}:${this.seq++}`;
    const [code, ms] = await (
      this.redis as unknown as { bashgahBookWhatsApp(...a: unknown[]): Promise<[number, number]> }
    ).bashgahBookWhatsApp(...keys, now, this.pace.intervalMs, this.pace.coldPerHour, HOUR_MS, opts.cold ? '1' : '0', id);
    if (code === 0) return { ok: true };
    return { ok: false, waitMs: Math.max(1, Math.ceil(Number(ms))), reason: code === 1 ? 'bot' : 'chat' };
  }

  /** Sleeps through short waits; a first-contact cap wait comes back for the caller to schedule. */
  async waitTurn(number: string, opts: { cold: boolean }, maxSleepMs = 5_000): Promise<Booking> {
    for (;;) {
      const booking = await this.book(number, opts);
      if (booking.ok || booking.waitMs > maxSleepMs) return booking;
      await new Promise((r) => setTimeout(r, booking.waitMs));
    }
  }
}
