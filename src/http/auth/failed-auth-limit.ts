import type { FastifyInstance } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import { DomainError } from '../../domain/errors.js';

const WINDOW_MS = 60_000;
const DEFAULT_PER_MINUTE = 30;
/** How long a count read from Redis is trusted for an address under the limit. */
const CACHE_MS = 1_000;

/**
 * Failed authentications per client address, counted in Redis so every replica shares the
 * count: after `perMinute` answers of 401 to one address, its requests are answered 429 (with
 * Retry-After) until the minute that began with its first failure is over, before any
 * credential is looked up. Successful requests are not counted.
 *
 * An address's count is read from Redis at most once a second while it stays under the limit
 * (purchase webhooks arrive by the thousand from one shop's address); this replica's own
 * failures update it at once, other replicas' within that second.
 */
export function limitFailedAuth(app: FastifyInstance, opts: { redis: Redis; prefix: string; perMinute?: number }) {
  const key = (ip: string) => `${opts.prefix}:authfail:${ip}`;
  const perMinute = opts.perMinute ?? DEFAULT_PER_MINUTE;
  const counts = new LRUCache<string, number>({ max: 10_000, ttl: CACHE_MS });
  app.addHook('onRequest', async (request, reply) => {
    let count = counts.get(request.ip);
    if (count === undefined || count >= perMinute) {
      count = Number((await opts.redis.get(key(request.ip))) ?? 0);
      counts.set(request.ip, count);
    }
    if (count < perMinute) return;
    // The window's end is read only for an address over the limit.
    const ttl = await opts.redis.pttl(key(request.ip));
    const seconds = Math.max(1, Math.ceil(ttl / 1000));
    reply.header('retry-after', String(seconds));
    throw new DomainError('too_many_failed_auth', `Too many requests with wrong credentials from this address; retry after ${seconds} s`);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode === 401) {
      const replies = await opts.redis.multi().incr(key(request.ip)).pexpire(key(request.ip), WINDOW_MS, 'NX').exec();
      counts.set(request.ip, Number(replies?.[0]?.[1] ?? perMinute));
    }
    return payload;
  });
}
