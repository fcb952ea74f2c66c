import { randomBytes } from 'node:crypto';
import { Api, GrammyError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Logger } from '../../logger.js';
import type { BotChannelName, MerchantService, TelegramBotConfig } from '../../domain/merchants/merchant-service.js';
import { safeEqual } from '../../domain/merchants/credentials.js';
import type { BotContext, BotDeps } from './context.js';
import { createBot, publishCommands } from './bot.js';

const RETRY_MS = 30_000;
const REACHABILITY_CACHE_MS = 5_000;

/** The bot's id: the part of its token before the colon (not secret; the rest is). */
const botId = (token: string) => token.split(':')[0]!;

export interface TelegramChannelOptions {
  /** The messenger: Telegram (default) or Bale, whose Bot API follows Telegram's at another root. */
  channel?: BotChannelName;
  /** Bot API server for every bot (the local one in demo mode); Telegram's when undefined. */
  apiRoot?: string;
  /**
   * Set → webhook mode at `<publicUrl>/telegram/<merchantId>` (the secret in Telegram's
   * secret_token header) or `<publicUrl>/bale/<merchantId>/<secret>` (Bale's setWebhook takes
   * only a URL, so the secret is in the path); unset → long polling.
   */
  publicUrl?: string;
  merchants: MerchantService;
  deps: Omit<BotDeps, 'merchantId' | 'channel'>;
  logger: Logger;
}

interface Running {
  config: TelegramBotConfig;
  bot: Bot<BotContext>;
  runner?: RunnerHandle;
}

/**
 * Every merchant's bot on one Bot-API messenger (Telegram, or Bale): started with long polling or registered as a webhook by the bot role,
 * and fed by the HTTP role's webhook route. Bots are built lazily from the merchants table, so
 * an API replica can handle a webhook for a merchant it has not seen yet.
 */
export class TelegramChannel {
  private readonly bots = new Map<string, Promise<Running | null>>();
  private readonly apis = new Map<string, Api>();
  private readonly retries = new Set<NodeJS.Timeout>();
  /** Bots whose start reached the Bot API; stop() does not wait for one still trying. */
  private readonly built = new Set<Running>();
  private stopped = false;
  private reachability: { until: number; result: Promise<string[]> } | null = null;

  constructor(private readonly opts: TelegramChannelOptions) {}

  /** Which messenger these bots are on. */
  get name(): BotChannelName {
    return this.opts.channel ?? 'telegram';
  }

  get mode(): 'webhook' | 'polling' {
    return this.opts.publicUrl ? 'webhook' : 'polling';
  }

  private async configs(): Promise<TelegramBotConfig[]> {
    return this.opts.merchants.bots(this.name);
  }

  private async build(config: TelegramBotConfig): Promise<Running> {
    const bot = createBot(
      { token: config.token, apiRoot: this.opts.apiRoot },
      {
        ...this.opts.deps,
        merchantId: config.merchantId,
        channel: this.name,
      },
    );
    await bot.init();
    const running = { config, bot };
    this.built.add(running);
    return running;
  }

  /** The bot of a merchant, built on first use; null when the merchant has none. */
  bot(merchantId: string): Promise<Running | null> {
    let entry = this.bots.get(merchantId);
    if (!entry) {
      entry = (async () => {
        const config = (await this.configs()).find((c) => c.merchantId === merchantId);
        return config ? this.build(config) : null;
      })();
      entry.catch(() => this.bots.delete(merchantId));
      this.bots.set(merchantId, entry);
    }
    return entry;
  }

  /** A plain API client for sending (notifications, broadcasts). */
  async api(merchantId: string): Promise<Api | null> {
    const cached = this.apis.get(merchantId);
    if (cached) return cached;
    const config = (await this.configs()).find((c) => c.merchantId === merchantId);
    if (!config) return null;
    const api = new Api(config.token, this.opts.apiRoot ? { apiRoot: this.opts.apiRoot } : undefined);
    this.apis.set(merchantId, api);
    return api;
  }

  /**
   * Bot role: long polling, or registering webhooks with a secret per merchant. A bot whose Bot
   * API cannot be reached is logged and tried again every RETRY_MS; the others go on.
   */
  async start(): Promise<number> {
    this.stopped = false;
    const configs = await this.configs();
    for (const config of configs) await this.startOne(config);
    return configs.length;
  }

  private async startOne(config: TelegramBotConfig): Promise<void> {
    try {
      await this.startBot(config);
    } catch (err) {
      if (this.stopped) return;
      this.opts.logger.warn(
        { merchantId: config.merchantId, bot: botId(config.token), err: (err as Error).message },
        `${this.name} bot cannot reach its Bot API; retrying in ${RETRY_MS / 1000} s`,
      );
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        void this.startOne(config);
      }, RETRY_MS);
      this.retries.add(timer);
    }
  }

  private async startBot(config: TelegramBotConfig): Promise<void> {
    const running = await this.bot(config.merchantId);
    if (!running || this.stopped) return;
    if (this.name === 'telegram') await publishCommands(running.bot);
    const log = { merchantId: config.merchantId, bot: running.bot.botInfo.username, channel: this.name };
    if (this.opts.publicUrl) {
      const secret = config.webhookSecret ?? randomBytes(24).toString('hex');
      if (!config.webhookSecret) await this.opts.merchants.setBotWebhookSecret(this.name, config.merchantId, secret);
      running.config = { ...running.config, webhookSecret: secret };
      const base = this.opts.publicUrl.replace(/\/$/, '');
      if (this.name === 'telegram')
        await running.bot.api.setWebhook(`${base}/telegram/${config.merchantId}`, {
          secret_token: secret,
          allowed_updates: ['message', 'callback_query'],
        });
      else await running.bot.api.setWebhook(`${base}/bale/${config.merchantId}/${secret}`);
      this.opts.logger.info(log, `${this.name} webhook registered`);
    } else {
      await running.bot.api.deleteWebhook().catch((err: unknown) => {
        // Not in what we could read of Bale's API (bale-api.md): a Bale bot that never had a webhook polls anyway.
        if (!(this.name === 'bale' && err instanceof GrammyError && err.error_code === 404)) throw err;
      });
      if (this.stopped) return;
      running.runner = run(running.bot, { runner: { fetch: { allowed_updates: ['message', 'callback_query'] } } });
      this.opts.logger.info(log, `${this.name} bot polling`);
    }
  }

  /**
   * Bots whose Bot API does not answer getMe within `timeoutMs`, each named (for /readyz);
   * asked at most every few seconds however often it is called.
   */
  unreachableBots(timeoutMs = 3_000): Promise<string[]> {
    if (this.reachability && this.reachability.until > Date.now()) return this.reachability.result;
    const result = this.configs().then((configs) =>
      Promise.all(
        configs.map(async (config) => {
          try {
            await (await this.api(config.merchantId))?.getMe(AbortSignal.timeout(timeoutMs) as unknown as Parameters<Api['getMe']>[0]);
            return null;
          } catch (err) {
            const reason =
              (err as Error).name === 'TimeoutError' || /aborted/i.test((err as Error).message)
                ? `no answer within ${timeoutMs / 1000} s`
                : (err as Error).message;
            return `bot ${botId(config.token)} of merchant ${config.merchantId} cannot reach its Bot API (${reason})`;
          }
        }),
      ).then((names) => names.filter((n): n is string => n !== null)),
    );
    this.reachability = { until: Date.now() + REACHABILITY_CACHE_MS, result };
    return result;
  }

  /** HTTP role: one update for a merchant's bot, with the secret from the header (Telegram) or the path (Bale). */
  async handleWebhook(merchantId: string, secret: string | undefined, update: Update): Promise<'ok' | 'unknown' | 'forbidden'> {
    const running = await this.bot(merchantId).catch(() => null);
    if (!running) return 'unknown';
    let expected = running.config.webhookSecret;
    if (!expected) {
      // Registered by another replica after we built this bot: read the secret again.
      expected = (await this.configs()).find((c) => c.merchantId === merchantId)?.webhookSecret ?? null;
      if (expected) running.config = { ...running.config, webhookSecret: expected };
    }
    if (!expected || !secret || !safeEqual(secret, expected)) return 'forbidden';
    await running.bot.handleUpdate(update);
    return 'ok';
  }

  async usernameOf(merchantId: string): Promise<string | null> {
    return (await this.bot(merchantId))?.bot.botInfo.username ?? null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    await Promise.all([...this.built].map((r) => (r.runner?.isRunning() ? r.runner.stop() : undefined)));
    this.built.clear();
    this.bots.clear();
  }
}
