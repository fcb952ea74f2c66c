import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhatsAppRateLimiter } from '../../src/jobs/whatsapp-rate-limit.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

let r: TestRedis;
beforeAll(() => {
  r = createTestRedis();
});
afterAll(() => r.cleanup());

const HOUR = 3_600_000;
let numbers = 0;
const nextNumber = () => `+98900000${String(++numbers).padStart(4, '0')}`;

describe('the WhatsApp number limiter', () => {
  it('500 bookings at the same instant: exactly one goes, the rest are told to wait a second', async () => {
    const limiter = new WhatsAppRateLimiter(r.redis, r.prefix, { intervalMs: 1000, coldPerHour: 120 });
    const number = nextNumber();
    const results = await Promise.all(Array.from({ length: 500 }, () => limiter.book(number, { cold: false }, 1_000_000)));
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    expect(results.filter((x) => !x.ok).every((x) => !x.ok && x.reason === 'bot' && x.waitMs === 1000)).toBe(true);
  });

  it('a 500-message burst drained by 3 competing senders: 1 message/s exactly, at most 120 first contacts in any hour, warm messages not held up', async () => {
    const limiter = new WhatsAppRateLimiter(r.redis, r.prefix, { intervalMs: 1000, coldPerHour: 120 });
    const number = nextNumber();
    // 200 of the 500 go to people who never wrote to the club first.
    const msgs = Array.from({ length: 500 }, (_, i) => ({ i, cold: i % 5 < 2, eligible: 0, granted: undefined as number | undefined }));
    const SENDERS = 3;
    let now = 0;
    let calls = 0;
    while (msgs.some((m) => m.granted === undefined)) {
      const pending = msgs.filter((m) => m.granted === undefined);
      const ready = pending
        .filter((m) => m.eligible <= now)
        .sort((a, b) => a.eligible - b.eligible || a.i - b.i)
        .slice(0, SENDERS);
      if (!ready.length) {
        now = Math.min(...pending.map((m) => m.eligible));
        continue;
      }
      const results = await Promise.all(ready.map((m) => limiter.book(number, { cold: m.cold }, now)));
      calls += results.length;
      let paceWait = Infinity;
      results.forEach((res, k) => {
        const m = ready[k]!;
        if (res.ok) m.granted = now;
        else if (res.reason === 'chat')
          m.eligible = now + res.waitMs; // the capped first contact waits in the delayed set
        else paceWait = Math.min(paceWait, res.waitMs);
      });
      if (!results.some((x) => x.ok) && paceWait < Infinity) now += paceWait;
    }

    const grants = msgs.map((m) => m.granted!).sort((a, b) => a - b);
    expect(grants).toHaveLength(500);
    for (let k = 1; k < grants.length; k++) expect(grants[k]! - grants[k - 1]!).toBeGreaterThanOrEqual(1000);

    const cold = msgs
      .filter((m) => m.cold)
      .map((m) => m.granted!)
      .sort((a, b) => a - b);
    for (let k = 120; k < cold.length; k++) expect(cold[k]! - cold[k - 120]!).toBeGreaterThanOrEqual(HOUR);
    // The cap is used in full, not more: 120 in the first hour, the 121st exactly an hour after the 1st.
    expect(cold.filter((g) => g < cold[0]! + HOUR)).toHaveLength(120);
    expect(cold[120]).toBe(cold[0]! + HOUR);
    // Warm messages go on at full pace while first contacts wait: the first 420 seconds send 420.
    expect(grants.filter((g) => g < 420_000)).toHaveLength(420);
    expect(Math.max(...msgs.filter((m) => !m.cold).map((m) => m.granted!))).toBeLessThan(420_000);
    expect(calls).toBeLessThan(5000);
  });

  it('numbers are paced separately, and a different interval is honoured', async () => {
    const limiter = new WhatsAppRateLimiter(r.redis, r.prefix, { intervalMs: 250, coldPerHour: 2 });
    const [a, b] = [nextNumber(), nextNumber()];
    expect((await limiter.book(a, { cold: false }, 10_000)).ok).toBe(true);
    expect((await limiter.book(b, { cold: false }, 10_000)).ok).toBe(true);
    expect(await limiter.book(a, { cold: false }, 10_100)).toEqual({ ok: false, waitMs: 150, reason: 'bot' });
    expect((await limiter.book(a, { cold: true }, 10_250)).ok).toBe(true);
    expect((await limiter.book(a, { cold: true }, 10_500)).ok).toBe(true);
    expect(await limiter.book(a, { cold: true }, 10_750)).toEqual({ ok: false, waitMs: HOUR - 500, reason: 'chat' });
    expect((await limiter.book(a, { cold: false }, 10_750)).ok).toBe(true);
  });
});
