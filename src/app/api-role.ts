import { buildHttpServer } from '../http/server.js';
import { pingRedis } from '../redis.js';
import { MerchantAuthStore } from '../db/repositories/merchant-auth-store.js';
import { telegramWebhookRoute } from '../channels/telegram/webhook-route.js';
import { localBotApiRoutes } from '../channels/telegram/local/routes.js';
import { playgroundRoutes } from '../channels/telegram/local/playground.js';
import { LOCAL_BOT_API_PREFIX, type Container } from './container.js';
import { LOCAL_WHATSAPP_PREFIX, localWhatsAppRoutes } from '../channels/whatsapp/local/routes.js';
import type { RunningRole } from './roles.js';

export async function startApiRole(c: Container): Promise<RunningRole> {
  const local = c.localBotApi;
  const app = await buildHttpServer({
    logger: c.logger,
    inFlight: c.inFlight,
    checks: {
      postgres: () => c.db.ping(),
      redis: () => pingRedis(c.redis),
      telegram: async () => {
        const unreachable = await c.telegram.unreachableBots();
        if (unreachable.length) throw new Error(unreachable.join('; '));
      },
    },
    api: {
      services: c,
      auth: new MerchantAuthStore(c.db.pool, c.secretBox),
      webhookToleranceSeconds: c.config.WEBHOOK_TOLERANCE_SECONDS,
      redis: c.redis,
      redisPrefix: c.config.REDIS_PREFIX,
      rateLimitPerSecond: c.config.RATE_LIMIT_PER_SECOND,
      failedAuthPerMinute: c.config.FAILED_AUTH_PER_MINUTE,
    },
    plugins: [
      async (app) => {
        await app.register(telegramWebhookRoute, { telegram: c.telegram });
        // Demo mode: the Bot API and the playground live on this server. Their long polls would
        // fill the console with request lines, so only warnings and errors are logged for them.
        const quiet = { logLevel: 'warn' } as const;
        if (local) {
          await app.register(localBotApiRoutes(local), { prefix: LOCAL_BOT_API_PREFIX, ...quiet });
          await app.register(
            playgroundRoutes(LOCAL_BOT_API_PREFIX, { whatsappRoot: c.localWhatsApp ? LOCAL_WHATSAPP_PREFIX : undefined }),
            quiet,
          );
        }
        if (c.localWhatsApp)
          await app.register(localWhatsAppRoutes(c.localWhatsApp, c.merchants), { prefix: LOCAL_WHATSAPP_PREFIX, ...quiet });
      },
    ],
  });
  await app.listen({ port: c.config.PORT, host: c.config.HOST });
  return {
    name: 'api',
    // close() stops accepting connections and waits for in-flight requests.
    stop: () => app.close(),
  };
}
