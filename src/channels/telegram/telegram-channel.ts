import { randomBytes } from 'node:crypto';
import { Api, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Logger } from '../../logger.js';
import type { MerchantService, TelegramBotConfig } from '../../domain/merchants/merchant-service.js';
import { safeEqual } from '../../domain/merchants/credentials.js';
import type { BotContext, BotDeps } from './context.js';
import { createBot, publishCommands } from './bot.js';

export interface TelegramChannelOptions {
  /** Bot API server for every bot (the local one in demo mode); Telegram's when undefined. */
  apiRoot?: string;
  /** Set → webhook mode at `<publicUrl>/telegram/<merchantId>`; unset → long polling. */
  publicUrl?: string;
  merchants: MerchantService;
  deps: Omit<BotDeps, 'merchantId'>;
  logger: Logger;
}

interface Running {
  config: TelegramBotConfig;
  bot: Bot<BotContext>;
  runner?: RunnerHandle;
}

/**
 * Every merchant's bot: started with long polling or registered as a webhook by the bot role,
 * and fed by the HTTP role's webhook route. Bots are built lazily from the merchants table, so
 * an API replica can handle a webhook for a merchant it has not seen yet.
 */
export class TelegramChannel {
  private readonly bots = new Map<string, Promise<Running | null>>();
  private readonly apis = new Map<string, Api>();

  constructor(private readonly opts: TelegramChannelOptions) {}

  get mode(): 'webhook' | 'polling' {
    return this.opts.publicUrl ? 'webhook' : 'polling';
  }

  private async configs(): Promise<TelegramBotConfig[]> {
    return this.opts.merchants.telegramBots();
  }

  private async build(config: TelegramBotConfig): Promise<Running> {
    const bot = createBot({ token: config.token, apiRoot: this.opts.apiRoot }, { ...this.opts.deps, merchantId: config.merchantId });
    await bot.init();
    return { config, bot };
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

  /** Bot role: long polling, or registering webhooks with a secret per merchant. */
  async start(): Promise<number> {
    const configs = await this.configs();
    for (const config of configs) {
      const running = await this.bot(config.merchantId);
      if (!running) continue;
      await publishCommands(running.bot);
      if (this.opts.publicUrl) {
        const secret = config.webhookSecret ?? randomBytes(24).toString('hex');
        if (!config.webhookSecret) await this.opts.merchants.setTelegramWebhookSecret(config.merchantId, secret);
        running.config = { ...running.config, webhookSecret: secret };
        await running.bot.api.setWebhook(`${this.opts.publicUrl.replace(/\/$/, '')}/telegram/${config.merchantId}`, { secret_token: secret, allowed_updates: ['message', 'callback_query'] });
        this.opts.logger.info({ merchantId: config.merchantId, bot: running.bot.botInfo.username }, 'telegram webhook registered');
      } else {
        await running.bot.api.deleteWebhook();
        running.runner = run(running.bot, { runner: { fetch: { allowed_updates: ['message', 'callback_query'] } } });
        this.opts.logger.info({ merchantId: config.merchantId, bot: running.bot.botInfo.username }, 'telegram bot polling');
      }
    }
    return configs.length;
  }

  /** HTTP role: one update from Telegram for a merchant's bot; false when the secret is wrong. */
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
    const all = await Promise.all([...this.bots.values()].map((p) => p.catch(() => null)));
    await Promise.all(all.map((r) => (r?.runner?.isRunning() ? r.runner.stop() : undefined)));
    this.bots.clear();
  }
}
