import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { DomainError } from '../../domain/errors.js';

const WINDOW_MS = 60_000;
const DEFAULT_PER_MINUTE = 30;

/**
 * Failed authentications per client address, counted in Redis so every replica shares the
 * count: after `perMinute` answers of 401 to one address, its requests are answered 429 (with
 * Retry-After) until the minute that began with its first failure is over, before any
 * credential is looked up. Successful requests are not counted.
 */
export function limitFailedAuth(app: FastifyInstance, opts: { redis: Redis; prefix: string; perMinute?: number }) {
  const key = (ip: string) => `${opts.prefix}:authfail:${ip}`;
  const perMinute = opts.perMinute ?? DEFAULT_PER_MINUTE;
  app.addHook('onRequest', async (request, reply) => {
    // Every API request passes here: one GET; the window's end is read only for an address over the limit.
    if (Number((await opts.redis.get(key(request.ip))) ?? 0) < perMinute) return;
    const ttl = await opts.redis.pttl(key(request.ip));
    const seconds = Math.max(1, Math.ceil(ttl / 1000));
    reply.header('retry-after', String(seconds));
    throw new DomainError('too_many_failed_auth', `Too many requests with wrong credentials from this address; retry after ${seconds} s`);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode === 401) await opts.redis.multi().incr(key(request.ip)).pexpire(key(request.ip), WINDOW_MS, 'NX').exec();
    return payload;
  });
}
