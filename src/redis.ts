import { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import { withTimeout } from './db/client.js';

export { Redis };

/**
 * One connection per purpose (commands, BullMQ workers, subscribers). BullMQ needs
 * `maxRetriesPerRequest: null`; its keys carry their own prefix, so no ioredis keyPrefix.
 */
export function createRedis(url: string, logger?: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
  let lastReport = 0;
  redis.on('error', (err: Error) => {
    // ioredis reconnects by itself; report at most every 10 s instead of every attempt.
    const now = Date.now();
    if (now - lastReport > 10_000) {
      lastReport = now;
      logger?.warn({ err: err.message }, 'redis connection problem');
    }
  });
  return redis;
}

export async function pingRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status !== 'ready') throw new Error(`Redis is ${redis.status}`);
  await withTimeout(redis.ping(), timeoutMs, 'Redis did not answer');
}
