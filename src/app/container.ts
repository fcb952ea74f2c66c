import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createDatabase, type Database } from '../db/client.js';
import { createRedis, type Redis } from '../redis.js';
import { SecretBox } from '../lib/secret-box.js';
import { resolveEncryptionKey } from '../lib/encryption-key.js';
import { MerchantService } from '../domain/merchants/merchant-service.js';
import { PrismaMerchantStore } from '../db/repositories/merchant-store.js';
import { PgSettingsStore } from '../db/repositories/settings-store.js';
import { PrismaMemberStore } from '../db/repositories/member-store.js';
import { PgPurchaseStore } from '../db/repositories/purchase-store.js';
import { PgLedgerStore } from '../db/ledger/pg-ledger-store.js';
import { PgExpiryStore } from '../db/ledger/pg-expiry-store.js';
import { MemberService } from '../domain/members/member-service.js';
import { MemberQueries } from '../domain/members/member-queries.js';
import { MemberImportService } from '../domain/members/member-import.js';
import { PgImportStore } from '../db/repositories/member-import-store.js';
import { LedgerService } from '../domain/ledger/ledger-service.js';
import { ExpiryService } from '../domain/ledger/expiry-service.js';
import { PurchaseService } from '../domain/purchases/purchase-service.js';
import { TierReviewService } from '../domain/tiers/tier-review.js';
import { ReferralService } from '../domain/referrals/referral-service.js';
import { PgReferralStore } from '../db/repositories/referral-store.js';
import { StaffService } from '../domain/staff/staff-service.js';
import { PgStaffStore } from '../db/repositories/staff-store.js';
import { VoucherService } from '../domain/rewards/voucher-service.js';
import { WheelService } from '../domain/rewards/wheel-service.js';
import { GiftService } from '../domain/rewards/gift-service.js';
import { RaffleService } from '../domain/rewards/raffle-service.js';
import { PgVoucherStore } from '../db/repositories/voucher-store.js';
import { PgWheelStore } from '../db/repositories/wheel-store.js';
import { PgGiftStore } from '../db/repositories/gift-store.js';
import { PgRaffleStore } from '../db/repositories/raffle-store.js';
import { PgReferenceStore } from '../db/repositories/reference-store.js';
import { OperatorService } from '../domain/admin/operator-service.js';
import { AdminService } from '../domain/admin/admin-service.js';
import { PgOperatorStore } from '../db/repositories/operator-store.js';
import { PgReportStore } from '../db/repositories/report-store.js';
import { CampaignService } from '../domain/campaigns/campaign-service.js';
import { BroadcastService, type BroadcastQueue } from '../domain/campaigns/broadcast-service.js';
import { PgCampaignStore } from '../db/repositories/campaign-store.js';
import { PgBroadcastStore } from '../db/repositories/broadcast-store.js';
import { AutomationService } from '../domain/campaigns/automation-service.js';
import { PgAutomationStore } from '../db/repositories/automation-store.js';
import { unprocessable } from '../domain/errors.js';
import { SurveyService } from '../domain/feedback/survey-service.js';
import { TicketService } from '../domain/feedback/ticket-service.js';
import { MonthlyReportService } from '../domain/admin/monthly-report.js';
import { PgSurveyStore } from '../db/repositories/survey-store.js';
import { PgTicketStore } from '../db/repositories/ticket-store.js';
import { PgInboxStore } from '../db/repositories/inbox-store.js';
import { FeedbackChat } from '../chat/feedback-chat.js';
import { BullBroadcastQueues } from '../jobs/broadcast-control.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { QueueContext } from '../jobs/queues.js';
import { ClubScreens } from '../chat/club-screens.js';
import { RewardChat } from '../chat/reward-chat.js';
import { TelegramChannel } from '../channels/telegram/telegram-channel.js';
import { LocalBotApi } from '../channels/telegram/local/local-bot-api.js';
import { deliverToWebhook } from '../channels/telegram/local/routes.js';
import { LocalWhatsApp } from '../channels/whatsapp/local/local-whatsapp.js';
import { WhatsAppChannel } from '../channels/whatsapp/whatsapp-channel.js';
import { WhatsAppOutbox } from '../jobs/whatsapp-sender.js';
import { DEFAULT_SMS_OPT_OUT_KEYWORD, demoMode, webhooksAllowPrivate, whatsappMode } from '../config.js';
import { ShortLinks } from '../domain/links/short-links.js';
import { PgShortLinkStore } from '../db/repositories/short-link-store.js';
import { PgSpendOffers } from '../db/repositories/spend-offer-store.js';
import { SmsService, type SmsQueue, type SmsSettings } from '../domain/sms/sms-service.js';
import type { SmsSender } from '../domain/sms/sms-sender.js';
import { PgSmsStore } from '../db/repositories/sms-store.js';
import { createSmsSender } from '../channels/sms/create-sms-sender.js';
import type { LocalSms } from '../channels/sms/local/local-sms.js';
import { BullSmsQueue } from '../jobs/sms-sender.js';
import { WebhookEndpointService } from '../domain/webhooks/endpoint-service.js';
import { PgWebhookStore } from '../db/repositories/webhook-store.js';
import { PgWebhookDeliveryStore } from '../db/repositories/webhook-delivery-store.js';
import { PanelService } from '../domain/admin/panel-service.js';
import { PgPanelStore } from '../db/repositories/panel-store.js';
import { PanelAccess } from '../domain/admin/panel-access.js';
import type { Operator } from '../domain/admin/permissions.js';
import { RedisPanelAccessStore } from '../db/repositories/panel-access-store.js';
import { InFlight } from '../lib/in-flight.js';

/** The domain services over a database; shared by the app, the CLI and the tests. */
/** Without Redis (the CLI) broadcasts cannot be queued; saying so beats failing later. */
const noBroadcastQueue: BroadcastQueue = {
  enqueue: async () => {
    throw unprocessable('queue_unavailable', 'Broadcasts need Redis: use the API or the bot');
  },
  scheduleStart: async () => {
    throw unprocessable('queue_unavailable', 'Broadcasts need Redis: use the API or the bot');
  },
};

export interface ServiceOptions {
  broadcastQueue?: BroadcastQueue;
  /** Messages per second per bot for broadcasts (the ETA shown to merchants). */
  broadcastRatePerSecond?: number;
  /** The gap between two WhatsApp messages of one number (the ETA of WhatsApp recipients). */
  whatsappIntervalMs?: number;
  /** Messages per second per Bale bot (the ETA of Bale recipients). */
  baleRatePerSecond?: number;
  /** Where the club's own links (short links) point: PUBLIC_URL, or http://localhost:PORT. */
  publicBaseUrl?: string;
  /** The SMS line (SMS_PROVIDER), its queue and its rules; without a sender SMS is off. */
  sms?: Partial<SmsSettings> & { sender?: SmsSender; queue?: SmsQueue };
  /** Outgoing webhooks may name loopback and private addresses (WEBHOOKS_ALLOW_PRIVATE, demo mode). */
  webhooksAllowPrivate?: boolean;
  /** Ledger statements run at once; more calls wait and go together (LEDGER_CONCURRENCY). */
  ledgerConcurrency?: number;
}

/** Without Redis (the CLI) SMS cannot be queued. */
const noSmsQueue: SmsQueue = {
  enqueue: async () => {
    throw unprocessable('queue_unavailable', 'SMS need Redis: use the API or the worker');
  },
};

export function createServices(db: Database, secretBox: SecretBox, clock: Clock = systemClock, opts: ServiceOptions = {}) {
  const settings = new PgSettingsStore(db.pool);
  const memberStore = new PrismaMemberStore(db.prisma, db.pool, clock);
  const members = new MemberService(memberStore, settings, clock);
  const ledgerStore = new PgLedgerStore(db.pool, { maxRunning: opts.ledgerConcurrency });
  const ledger = new LedgerService(ledgerStore, settings, clock);
  const expiryStore = new PgExpiryStore(db.pool);
  const merchants = new MerchantService(new PrismaMerchantStore(db.prisma, clock), secretBox);
  const memberQueries = new MemberQueries(members, memberStore, ledgerStore, settings, clock, () => sms.enabled);
  const referrals = new ReferralService({ store: new PgReferralStore(db.pool), ledger, members, settings, clock });
  const references = new PgReferenceStore(db.pool);
  const voucherStore = new PgVoucherStore(db.pool, ledgerStore);
  const vouchers = new VoucherService({ store: voucherStore, members, ledger, references, clock });
  const wheel = new WheelService({ store: new PgWheelStore(db.pool, ledgerStore, voucherStore), ledger, settings, references, clock });
  const gifts = new GiftService({ store: new PgGiftStore(db.pool, ledgerStore), ledger, settings, clock });
  const raffles = new RaffleService({ store: new PgRaffleStore(db.pool, ledgerStore, secretBox), ledger, clock });
  const operatorStore = new PgOperatorStore(db.pool);
  const operators = new OperatorService(operatorStore, clock);
  const broadcastStore = new PgBroadcastStore(db.pool);
  const broadcasts = new BroadcastService({
    store: broadcastStore,
    queue: opts.broadcastQueue ?? noBroadcastQueue,
    ratePerSecond: opts.broadcastRatePerSecond ?? 25,
    whatsappIntervalMs: opts.whatsappIntervalMs,
    baleRatePerSecond: opts.baleRatePerSecond,
    clock,
  });
  const campaignStore = new PgCampaignStore(db.pool);
  const campaigns = new CampaignService({ store: campaignStore, broadcasts, segments: campaignStore, references, clock });
  const purchases = new PurchaseService({
    store: new PgPurchaseStore(db.pool),
    ledger,
    members,
    settings,
    campaignRules: (m) => campaigns.activeRules(m),
    clock,
  });
  const screens = new ClubScreens({ merchants, settings, memberQueries, referrals, clock });
  const tickets = new TicketService({ store: new PgTicketStore(db.pool), settings });
  const surveys = new SurveyService({ store: new PgSurveyStore(db.pool), tickets, settings, ledger });
  const inbox = new PgInboxStore(db.pool);
  const reportStore = new PgReportStore(db.pool);
  const monthlyReport = new MonthlyReportService({ figures: reportStore, referrals, surveys, tickets, clock });
  const admin = new AdminService({
    operators,
    audit: operatorStore,
    purchases,
    members,
    memberQueries,
    gifts,
    campaigns,
    broadcasts,
    vouchers,
    raffles,
    reports: reportStore,
    settings,
    clock,
  });
  const shortLinks = new ShortLinks(new PgShortLinkStore(db.pool), opts.publicBaseUrl ?? 'http://localhost:3000');
  const sms = new SmsService({
    store: new PgSmsStore(db.pool),
    queue: opts.sms?.queue ?? noSmsQueue,
    sender: opts.sms?.sender,
    pricePerPartRials: opts.sms?.pricePerPartRials ?? 1300,
    dailyCap: opts.sms?.dailyCap ?? 1000,
    optOutKeyword: opts.sms?.optOutKeyword ?? DEFAULT_SMS_OPT_OUT_KEYWORD,
    clock,
  });
  return {
    sms,
    clock,
    merchants,
    settings,
    members,
    memberStore,
    memberQueries,
    memberImport: new MemberImportService(new PgImportStore(db.pool, ledgerStore), ledger, settings),
    ledger,
    purchases,
    expiry: new ExpiryService(expiryStore, ledger, settings, clock),
    tierReview: new TierReviewService(expiryStore, settings, clock),
    screens,
    rewardChat: new RewardChat({ screens, wheel, gifts, vouchers, raffles, offers: new PgSpendOffers(db.pool), clock }),
    referrals,
    staff: new StaffService(new PgStaffStore(db.pool), settings, clock),
    vouchers,
    wheel,
    gifts,
    raffles,
    operators,
    campaigns,
    broadcasts,
    broadcastStore,
    automations: new AutomationService({ store: new PgAutomationStore(db.pool), settings, ledger, vouchers, clock }),
    operatorStore,
    admin,
    panel: new PanelService({
      admin,
      audit: operatorStore,
      store: new PgPanelStore(db.pool),
      monthlyReport,
      memberQueries,
      referrals,
      tickets,
      ledger,
      clock,
    }),
    tickets,
    surveys,
    inbox,
    shortLinks,
    feedbackChat: new FeedbackChat({ screens, surveys, tickets, inbox }),
    monthlyReport,
    webhookEndpoints: new WebhookEndpointService({
      store: new PgWebhookStore(db.pool),
      secretBox,
      clock,
      allowPrivate: opts.webhooksAllowPrivate ?? false,
    }),
    webhookDeliveries: new PgWebhookDeliveryStore(db.pool),
  };
}

export type Services = ReturnType<typeof createServices>;

export function createPanelAccess(services: Services, redis: Redis, prefix: string): PanelAccess {
  return new PanelAccess({ store: new RedisPanelAccessStore(redis, prefix), operators: services.operatorStore, clock: services.clock });
}

/** Makes one-time panel sign-in links at the club's address (the bot's /panel, the CLI's panel-link). */
export function panelLinkIssuer(access: PanelAccess, baseUrl: string) {
  return async (op: Pick<Operator, 'merchantId' | 'id'>, actor: string) => {
    const { token, expiresAt } = await access.issueLink(op.merchantId, op.id, actor);
    return { url: `${baseUrl}/panel/sign-in?token=${token}`, expiresAt };
  };
}

/**
 * Where bots talk: TELEGRAM_API_ROOT when set; with no bot token, the built-in local Bot API
 * (mounted on our own HTTP server); otherwise Telegram.
 */
export function telegramApiRoot(config: Config): { apiRoot?: string; local: boolean } {
  if (config.TELEGRAM_API_ROOT) return { apiRoot: config.TELEGRAM_API_ROOT.replace(/\/$/, ''), local: false };
  if (demoMode(config)) return { apiRoot: `http://127.0.0.1:${config.PORT}${LOCAL_BOT_API_PREFIX}`, local: true };
  return { local: false };
}

/** Where Bale bots talk: BALE_API_ROOT when set; in demo mode the built-in local Bot API's Bale root; otherwise Bale's. */
export function baleApiRoot(config: Config): { apiRoot: string; local: boolean } {
  if (config.BALE_API_ROOT) return { apiRoot: config.BALE_API_ROOT.replace(/\/$/, ''), local: false };
  if (demoMode(config)) return { apiRoot: `http://127.0.0.1:${config.PORT}${LOCAL_BALE_API_PREFIX}`, local: true };
  return { apiRoot: BALE_API_ROOT, local: false };
}

export const LOCAL_BOT_API_PREFIX = '/local-bot-api';
/** Demo mode's Bale: a second local Bot API (its own bots, chats and update numbers) at a root of its own. */
export const LOCAL_BALE_API_PREFIX = '/local-bale-api';
/** Bale's Bot API: `https://tapi.bale.ai/bot<token>/<method>`. */
export const BALE_API_ROOT = 'https://tapi.bale.ai';

/** The club's own address in links members get. */
export function publicBaseUrl(config: Config): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
}

/** Everything the roles share, built once from config. */
export type Container = Services & {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis;
  secretBox: SecretBox;
  queues: QueueContext;
  broadcastQueues: BullBroadcastQueues;
  telegram: TelegramChannel;
  /** The clubs' Bale bots: the same grammY code at Bale's Bot API root. */
  bale: TelegramChannel;
  /** The in-process Bot API of demo mode; undefined when bots talk to a real Bot API server. */
  localBotApi?: LocalBotApi;
  /** Demo mode's in-process Bale Bot API; undefined when Bale bots talk to a real one. */
  localBaleApi?: LocalBotApi;
  /** Clubs on WhatsApp (started by the whatsapp role); undefined when WHATSAPP=off. */
  whatsapp?: WhatsAppChannel;
  /** The in-process WhatsApp stand-in (WHATSAPP=local). */
  localWhatsApp?: LocalWhatsApp;
  /** Where notifications for WhatsApp members are queued. */
  whatsappOutbox: WhatsAppOutbox;
  /** The queue SMS rows wait in. */
  smsQueue: BullSmsQueue;
  /** The demo's SMS line (SMS_PROVIDER=local). */
  localSms?: LocalSms;
  /** Web panel sign-in links and sessions (Redis). */
  panelAccess: PanelAccess;
  /** HTTP requests being served (ROLE=all: the outbox relay waits for a quiet moment). */
  inFlight: InFlight;
  close(): Promise<void>;
};

export function createContainer(config: Config, logger: Logger): Container {
  const db = createDatabase(config.DATABASE_URL, { onError: (err) => logger.warn({ err: err.message }, 'postgres pool error') });
  const redis = createRedis(config.REDIS_URL, logger);
  const secretBox = new SecretBox(resolveEncryptionKey(config.ENCRYPTION_KEY, config.DATA_DIR));
  const broadcastQueues = new BullBroadcastQueues({ connection: redis, prefix: config.REDIS_PREFIX, redis });
  const smsLine = createSmsSender(config);
  const smsQueue = new BullSmsQueue({ connection: redis, prefix: config.REDIS_PREFIX }, systemClock);
  const services = createServices(db, secretBox, systemClock, {
    sms: {
      sender: smsLine.sender,
      queue: smsQueue,
      pricePerPartRials: config.SMS_PRICE_PER_PART_RIALS,
      dailyCap: config.SMS_DAILY_CAP,
      optOutKeyword: config.SMS_OPT_OUT_KEYWORD,
    },
    broadcastQueue: broadcastQueues,
    broadcastRatePerSecond: config.BROADCAST_RATE_PER_SECOND,
    ledgerConcurrency: config.LEDGER_CONCURRENCY,
    whatsappIntervalMs: config.WHATSAPP_SEND_INTERVAL_MS,
    baleRatePerSecond: config.BALE_BROADCAST_RATE_PER_SECOND,
    publicBaseUrl: publicBaseUrl(config),
    webhooksAllowPrivate: webhooksAllowPrivate(config),
  });
  const panelAccess = createPanelAccess(services, redis, config.REDIS_PREFIX);
  const { apiRoot, local } = telegramApiRoot(config);
  const botDeps = {
    members: services.members,
    memberQueries: services.memberQueries,
    screens: services.screens,
    referrals: services.referrals,
    rewards: services.rewardChat,
    feedback: services.feedbackChat,
    tickets: services.tickets,
    monthlyReport: services.monthlyReport,
    admin: services.admin,
    operators: services.operators,
    campaigns: services.campaigns,
    broadcasts: services.broadcasts,
    sms: services.sms,
    panelLink: panelLinkIssuer(panelAccess, publicBaseUrl(config)),
    wheelFrameMs: config.WHEEL_FRAME_MS,
    redis,
    redisPrefix: config.REDIS_PREFIX,
    defaultLocale: config.DEFAULT_LOCALE,
    logger,
    clock: services.clock,
  };
  const telegram = new TelegramChannel({ apiRoot, publicUrl: config.PUBLIC_URL, merchants: services.merchants, deps: botDeps, logger });
  const baleRoot = baleApiRoot(config);
  const bale = new TelegramChannel({
    channel: 'bale',
    apiRoot: baleRoot.apiRoot,
    publicUrl: config.PUBLIC_URL,
    merchants: services.merchants,
    deps: botDeps,
    logger,
  });
  const queues = { connection: redis, prefix: config.REDIS_PREFIX };
  const waMode = whatsappMode(config);
  const localWhatsApp = waMode === 'local' ? new LocalWhatsApp({ stateFile: join(config.DATA_DIR, 'local-whatsapp.json') }) : undefined;
  const whatsapp =
    waMode === 'off'
      ? undefined
      : new WhatsAppChannel({
          mode: waMode,
          local: localWhatsApp,
          merchants: services.merchants,
          chat: {
            members: services.members,
            screens: services.screens,
            rewards: services.rewardChat,
            feedback: services.feedbackChat,
            referrals: services.referrals,
            campaigns: services.campaigns,
            shortLinks: services.shortLinks,
            redis,
            redisPrefix: config.REDIS_PREFIX,
            defaultLocale: config.DEFAULT_LOCALE,
            logger,
            clock: services.clock,
          },
          dataDir: config.DATA_DIR,
          redis,
          redisPrefix: config.REDIS_PREFIX,
          logger,
          qrUrl: `${publicBaseUrl(config)}/v1/whatsapp/qr.png`,
        });
  const whatsappOutbox = new WhatsAppOutbox(queues);
  return {
    panelAccess,
    ...services,
    config,
    logger,
    db,
    redis,
    secretBox,
    queues,
    broadcastQueues,
    telegram,
    bale,
    localBotApi: local ? new LocalBotApi({ deliver: deliverToWebhook, stateFile: join(config.DATA_DIR, 'local-bot-api.json') }) : undefined,
    localBaleApi: baleRoot.local
      ? new LocalBotApi({ deliver: deliverToWebhook, stateFile: join(config.DATA_DIR, 'local-bale-api.json'), dialect: 'bale' })
      : undefined,
    whatsapp,
    localWhatsApp,
    whatsappOutbox,
    smsQueue,
    localSms: smsLine.local,
    inFlight: new InFlight(),
    async close() {
      await broadcastQueues.close().catch(() => {});
      await smsQueue.close().catch(() => {});
      await whatsappOutbox.close().catch(() => {});
      await Promise.allSettled([db.close(), redis.quit().catch(() => redis.disconnect())]);
    },
  };
}
