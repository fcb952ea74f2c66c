import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { createRedis, pingRedis, type Redis } from '../../src/redis.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

let db: TestDatabase;
let redis: Redis;
let deadRedis: Redis;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL);
  deadRedis = createRedis('redis://127.0.0.1:1');
  await redis.ping();
});

afterAll(async () => {
  redis.disconnect();
  deadRedis.disconnect();
  await db.drop();
});

async function appWith(redisClient: Redis, pgCheck = () => db.ping()): Promise<FastifyInstance> {
  return buildHttpServer({ logger: createLogger('silent'), checks: { postgres: pgCheck, redis: () => pingRedis(redisClient, 500) } });
}

describe('health endpoints', () => {
  it('/healthz answers ok and carries a request id', async () => {
    const app = await appWith(redis);
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
    await app.close();
  });

  it('/readyz is 200 when PostgreSQL and Redis answer', async () => {
    const app = await appWith(redis);
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
    await app.close();
  });

  it('/readyz is 503 and names Redis when Redis is down', async () => {
    const app = await appWith(deadRedis);
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable', failed: ['redis'], checks: { postgres: 'ok' } });
    await app.close();
  });

  it('/readyz is 503 and names PostgreSQL when it is down', async () => {
    const app = await appWith(redis, () => Promise.reject(new Error('connect ECONNREFUSED')));
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ failed: ['postgres'], checks: { postgres: 'connect ECONNREFUSED', redis: 'ok' } });
    await app.close();
  });

  it('unknown routes get a JSON 404', async () => {
    const app = await appWith(redis);
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'route_not_found', message: 'No route GET /v1/nothing-here' } });
    await app.close();
  });
});
