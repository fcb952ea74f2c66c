import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './env.js';

export interface TestRedis {
  redis: Redis;
  /** Key prefix of this test file; pass it to everything that writes to Redis. */
  prefix: string;
  cleanup(): Promise<void>;
}

export function createTestRedis(): TestRedis {
  const prefix = `bashgah-test-${randomBytes(5).toString('hex')}`;
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  return {
    redis,
    prefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}
