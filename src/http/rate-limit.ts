import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { SettingsProvider } from '../domain/merchants/settings.js';

const WINDOW_MS = 1_000;
/** The largest share of a merchant's budget one replica takes from Redis at once. */
const LEASE_SHARE = 0.05;

/**
 * Takes up to ARGV[1] of the window's budget (ARGV[2]); the window starts with the first claim.
 * Returns what was granted and the window's remaining milliseconds.
 */
const CLAIM = `
local want = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local n = redis.call('INCRBY', KEYS[1], want)
if n == want then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
local granted = math.max(0, math.min(want, max - (n - want)))
return {granted, redis.call('PTTL', KEYS[1])}
`;

interface Lease {
  left: number;
  /** performance.now() at which the Redis window ends. */
  endsAt: number;
  /** The window's budget is spent: no more claims until it ends. */
  exhausted: boolean;
}

type ClaimingRedis = Redis & { bashgahRateClaim(key: string, want: number, max: number, windowMs: number): Promise<[number, number]> };

class TooManyRequests extends Error {
  readonly statusCode = 429;
}

/**
 * Per merchant and second, counted in Redis so every replica shares the budget: no more than
 * the merchant's `rateLimitPerSecond` requests pass per window across all replicas. Instead of a
 * Redis round trip per request, a replica claims a slice of the window's budget (at most 5 %,
 * at least one request) and spends it locally; a slice another replica holds unspent is lost to
 * this one until the window ends, so a busy merchant may see 429 slightly before its budget is
 * used up, never after. Runs as a preHandler, after authentication has named the merchant:
 * unauthenticated callers cannot spend a merchant's budget.
 */
export async function registerRateLimit(
  app: FastifyInstance,
  opts: { redis: Redis; prefix: string; perSecond: number; settings: SettingsProvider },
) {
  opts.redis.defineCommand('bashgahRateClaim', { numberOfKeys: 1, lua: CLAIM });
  const redis = opts.redis as ClaimingRedis;
  const leases = new LRUCache<string, Lease>({ max: 10_000 });
  const claims = new Map<string, Promise<Lease>>();

  async function claim(merchantId: string, max: number): Promise<Lease> {
    const want = Math.max(1, Math.floor(max * LEASE_SHARE));
    const [granted, pttl] = await redis.bashgahRateClaim(`${opts.prefix}:rate:${merchantId}`, want, max, WINDOW_MS);
    const lease = { left: granted, endsAt: performance.now() + Math.max(pttl, 1), exhausted: granted < want };
    leases.set(merchantId, lease);
    return lease;
  }

  function take(merchantId: string, max: number): Lease | Promise<Lease> {
    const held = leases.get(merchantId);
    if (held && performance.now() < held.endsAt && (held.left > 0 || held.exhausted)) return held;
    let pending = claims.get(merchantId);
    if (!pending) {
      pending = claim(merchantId, max).finally(() => claims.delete(merchantId));
      claims.set(merchantId, pending);
    }
    return pending;
  }

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const merchantId = request.merchantId;
    if (!merchantId) return;
    const settings = await opts.settings.get(merchantId).catch(() => undefined);
    const max = settings?.api.rateLimitPerSecond ?? opts.perSecond;
    for (;;) {
      const got = take(merchantId, max);
      const lease = got instanceof Promise ? await got : got;
      if (lease.left > 0) {
        lease.left--;
        return;
      }
      const waitMs = lease.endsAt - performance.now();
      if (lease.exhausted && waitMs > 0) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        reply.header('retry-after', String(seconds));
        throw new TooManyRequests(`More than ${max} requests per second for this merchant; retry after ${seconds} s`);
      }
      // Spent by concurrent requests meanwhile, or the window ended: claim again.
      if (leases.get(merchantId) === lease) leases.delete(merchantId);
    }
  });
}
