import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { MerchantAuthStore } from '../../src/db/repositories/merchant-auth-store.js';
import { signWebhook } from '../../src/http/auth/signature.js';
import { createTestRedis, type TestRedis } from './redis.js';
import { createPanelAccess } from '../../src/app/container.js';
import { createTestWorld, type TestWorld } from './services.js';

export interface TestApi {
  w: TestWorld;
  r: TestRedis;
  app: FastifyInstance;
  merchant: { id: string; apiKey: string; webhookSecret: string };
  newMerchant(settings?: unknown): Promise<{ id: string; apiKey: string; webhookSecret: string }>;
  /** A signed webhook, as a merchant's backend sends it. */
  webhook(
    path: string,
    body: unknown,
    opts?: { merchant?: { id: string; webhookSecret: string }; timestamp?: number; signature?: string; raw?: string },
  ): Promise<LightMyRequestResponse>;
  /** The API-key merchant API. */
  api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, apiKey?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Panel sign-in links and sessions of a test world, in the test Redis. */
export function testPanelAccess(w: TestWorld, r: TestRedis) {
  return createPanelAccess(w.services, r.redis, r.prefix);
}

export async function createTestApi(
  opts: {
    rateLimitPerSecond?: number;
    failedAuthPerMinute?: number;
    settings?: unknown;
    plugins?: (w: TestWorld) => ((app: FastifyInstance) => Promise<void>)[];
    /** Mount the web panel (its sessions in the test Redis). */
    panel?: boolean;
    /** Where short links lead in demo mode (the api role's demoShortLinkTargets). */
    localLinks?: (url: string) => string | null;
    /** Serve an existing world (a Telegram harness's); its owner closes it. */
    world?: { w: TestWorld; r: TestRedis };
  } = {},
): Promise<TestApi> {
  const r = opts.world?.r ?? createTestRedis();
  const w = opts.world?.w ?? (await createTestWorld({ redis: r }));
  const app = await buildHttpServer({
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    checks: { postgres: () => w.db.ping(), redis: async () => void (await r.redis.ping()) },
    api: {
      services: w.services,
      auth: new MerchantAuthStore(w.db.pool, w.secretBox, 0),
      webhookToleranceSeconds: 300,
      redis: r.redis,
      redisPrefix: r.prefix,
      rateLimitPerSecond: opts.rateLimitPerSecond ?? 10_000,
      failedAuthPerMinute: opts.failedAuthPerMinute,
    },
    plugins: opts.plugins?.(w),
    localLinks: opts.localLinks,
    panel: opts.panel
      ? {
          access: testPanelAccess(w, r),
          panel: w.services.panel,
          screens: w.services.screens,
          locale: 'fa',
          secureCookies: false,
          clock: w.clock,
          services: w.services,
        }
      : undefined,
  });
  const newMerchant = async (settings?: unknown) => {
    const m = await w.services.merchants.create({ name: 'HTTP Shop' });
    if (settings !== undefined) await w.services.settings.set(m.id, settings);
    return { id: m.id, apiKey: m.apiKey, webhookSecret: m.webhookSecret };
  };
  const merchant = await newMerchant(opts.settings);
  return {
    w,
    r,
    app,
    merchant,
    newMerchant,
    webhook(path, body, o = {}) {
      const m = o.merchant ?? merchant;
      const raw = o.raw ?? JSON.stringify(body);
      const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
      return app.inject({
        method: 'POST',
        url: path,
        headers: {
          'content-type': 'application/json',
          'x-bashgah-merchant': m.id,
          'x-bashgah-timestamp': String(ts),
          'x-bashgah-signature': o.signature ?? `v1=${signWebhook(m.webhookSecret, ts, raw)}`,
        },
        payload: raw,
      });
    },
    api(method, url, body, apiKey = merchant.apiKey) {
      return app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
    },
    async close() {
      await app.close();
      if (opts.world) return;
      await w.close();
      await r.cleanup();
    },
  };
}
