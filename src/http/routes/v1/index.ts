import type { FastifyPluginAsync } from 'fastify';
import type { HttpServices } from '../../server.js';
import { apiKeyAuth, webhookAuth } from '../../auth/hooks.js';
import { limitFailedAuth } from '../../auth/failed-auth-limit.js';
import { purchaseWebhookRoutes } from './webhooks/purchases.js';
import { wooCommerceRoutes } from './webhooks/woocommerce.js';
import { memberRoutes } from './members/members.js';
import { memberImportRoutes } from './members/import.js';
import { settingsRoutes } from './settings.js';
import { referralRoutes } from './referrals.js';
import { wheelRoutes } from './rewards/wheel.js';
import { giftRoutes } from './rewards/gifts.js';
import { voucherRoutes } from './rewards/vouchers.js';
import { publicRaffleRoutes, raffleRoutes } from './rewards/raffles.js';
import { broadcastRoutes } from './broadcasts.js';
import { whatsappRoutes } from './whatsapp.js';
import { surveyRoutes } from './surveys.js';
import { smsRoutes } from './sms.js';
import { webhookEndpointRoutes } from './webhook-endpoints.js';
import type { Redis } from 'ioredis';
import type { InFlight } from '../../../lib/in-flight.js';

/**
 * /v1: signed webhooks (shops, POS, WooCommerce) and the API-key merchant API. Each group
 * brings its own authentication hook. Rewards (wheel, gifts, vouchers, raffles) sit beside
 * members and settings.
 */
export const v1Routes: FastifyPluginAsync<HttpServices & { redis: Redis; redisPrefix: string; inFlight?: InFlight }> = async (
  app,
  deps,
) => {
  const inFlight = deps.inFlight;
  if (inFlight) {
    // Only the merchant API and webhooks: the demo's Bot API long polls would look busy forever.
    app.addHook('onRequest', async (_request, reply) => {
      inFlight.start();
      // 'close' comes once the response is sent or the client went away: the count always comes back down.
      reply.raw.once('close', () => inFlight.end());
    });
  }
  limitFailedAuth(app, { redis: deps.redis, prefix: deps.redisPrefix, perMinute: deps.failedAuthPerMinute });
  await app.register(
    async (webhooks) => {
      webhooks.addHook('preValidation', webhookAuth(deps.auth, deps.webhookToleranceSeconds));
      await webhooks.register(purchaseWebhookRoutes, deps.services);
    },
    { prefix: '/webhooks' },
  );

  await app.register(wooCommerceRoutes, {
    prefix: '/webhooks/woocommerce',
    auth: deps.auth,
    purchases: deps.services.purchases,
    settings: deps.services.settings,
  });

  await app.register(publicRaffleRoutes, { prefix: '/public/raffles', raffles: deps.services.raffles });

  await app.register(async (api) => {
    api.addHook('onRequest', apiKeyAuth(deps.auth));
    await api.register(memberRoutes, { prefix: '/members', ...deps.services });
    await api.register(memberImportRoutes, { prefix: '/members/import', imports: deps.services.memberImport });
    await api.register(settingsRoutes, { prefix: '/settings', settings: deps.services.settings });
    await api.register(referralRoutes, { referrals: deps.services.referrals, members: deps.services.members, staff: deps.services.staff });
    await api.register(wheelRoutes, { wheel: deps.services.wheel });
    await api.register(giftRoutes, { gifts: deps.services.gifts });
    await api.register(voucherRoutes, { vouchers: deps.services.vouchers });
    await api.register(raffleRoutes, { raffles: deps.services.raffles });
    await api.register(broadcastRoutes, { campaigns: deps.services.campaigns, broadcasts: deps.services.broadcasts });
    await api.register(surveyRoutes, {
      surveys: deps.services.surveys,
      campaigns: deps.services.campaigns,
      tickets: deps.services.tickets,
    });
    await api.register(smsRoutes, { sms: deps.services.sms });
    await api.register(webhookEndpointRoutes, { webhookEndpoints: deps.services.webhookEndpoints });
    await api.register(whatsappRoutes, { merchants: deps.services.merchants, redis: deps.redis, redisPrefix: deps.redisPrefix });
  });
};
