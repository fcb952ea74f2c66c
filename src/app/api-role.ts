import { buildHttpServer } from '../http/server.js';
import { pingRedis } from '../redis.js';
import { MerchantAuthStore } from '../db/repositories/merchant-auth-store.js';
import { baleWebhookRoute, telegramWebhookRoute } from '../channels/telegram/webhook-route.js';
import { localBotApiRoutes } from '../channels/telegram/local/routes.js';
import { playgroundRoutes, playgroundStartLink, playgroundTabs, type PlaygroundOptions } from '../channels/telegram/local/playground.js';
import { demoEndpointRoutes } from './demo-endpoint.js';
import { LOCAL_BALE_API_PREFIX, LOCAL_BOT_API_PREFIX, type Container } from './container.js';
import { LOCAL_WHATSAPP_PREFIX, localWhatsAppRoutes } from '../channels/whatsapp/local/routes.js';
import type { RunningRole } from './roles.js';
import { smsInboundRoute } from '../http/routes/sms-inbound.js';
import { LOCAL_SMS_PREFIX, localSmsRoutes } from '../channels/sms/local/routes.js';
import { demoMode } from '../config.js';

/**
 * Demo mode with the built-in Bot API: a short link to one of its bots (t.me, or ble.ir with the
 * local Bale) opens the playground with that link ready, since there is no such bot on the
 * internet. Undefined otherwise: with a real bot token links go to t.me as they are.
 */
export function demoShortLinkTargets(
  c: Pick<Container, 'config' | 'localBotApi' | 'localBaleApi'>,
): ((url: string) => string | null) | undefined {
  const telegram = c.localBotApi;
  if (!demoMode(c.config) || !telegram) return undefined;
  return (url) => playgroundStartLink(url, { telegram, bale: c.localBaleApi });
}

export async function startApiRole(c: Container): Promise<RunningRole> {
  const local = c.localBotApi;
  const app = await buildHttpServer({
    logger: c.logger,
    inFlight: c.inFlight,
    localLinks: demoShortLinkTargets(c),
    checks: {
      postgres: () => c.db.ping(),
      redis: () => pingRedis(c.redis),
      telegram: async () => {
        const unreachable = await c.telegram.unreachableBots();
        if (unreachable.length) throw new Error(unreachable.join('; '));
      },
      bale: async () => {
        const unreachable = await c.bale.unreachableBots();
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
    panel: {
      access: c.panelAccess,
      panel: c.panel,
      screens: c.screens,
      locale: c.config.DEFAULT_LOCALE,
      secureCookies: c.config.PUBLIC_URL?.startsWith('https:') ?? false,
      clock: c.clock,
      services: c,
    },
    plugins: [
      async (app) => {
        await app.register(telegramWebhookRoute, { telegram: c.telegram });
        await app.register(baleWebhookRoute, { bale: c.bale });
        if (c.config.SMS_INBOUND_SECRET) await app.register(smsInboundRoute, { sms: c.sms, secret: c.config.SMS_INBOUND_SECRET });
        // Demo mode: the Bot API and the playground live on this server. Their long polls would
        // fill the console with request lines, so only warnings and errors are logged for them.
        const quiet = { logLevel: 'warn' } as const;
        if (local) {
          await app.register(localBotApiRoutes(local), { prefix: LOCAL_BOT_API_PREFIX, ...quiet });
          const playground: PlaygroundOptions = {
            whatsappRoot: c.localWhatsApp ? LOCAL_WHATSAPP_PREFIX : undefined,
            baleRoot: c.localBaleApi ? LOCAL_BALE_API_PREFIX : undefined,
            smsRoot: c.localSms ? LOCAL_SMS_PREFIX : undefined,
            endpoint: true,
          };
          await app.register(playgroundRoutes(LOCAL_BOT_API_PREFIX, playground), quiet);
          // The shop's side of outgoing webhooks: the demo merchant's endpoint for every event.
          const tabs = (lang: string) => playgroundTabs(playground, lang, 'endpoint');
          await app.register(demoEndpointRoutes({ dataDir: c.config.DATA_DIR, tabs }), quiet);
        }
        if (c.localBaleApi) await app.register(localBotApiRoutes(c.localBaleApi), { prefix: LOCAL_BALE_API_PREFIX, ...quiet });
        if (c.localSms) await app.register(localSmsRoutes(c.localSms), { prefix: LOCAL_SMS_PREFIX, ...quiet });
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
