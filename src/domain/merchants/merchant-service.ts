import { notFound, invalid, conflict } from '../errors.js';
import { normalizePhone } from '../members/phone.js';
import type { ChannelName } from '../members/types.js';
import { apiKeyDisplayPrefix, generateApiKey, generateWebhookSecret, hashApiKey } from './credentials.js';

export interface MerchantSummary {
  id: string;
  name: string;
  isDefault: boolean;
  hasTelegramToken: boolean;
  hasBaleToken: boolean;
  whatsappNumber: string | null;
  apiKeyPrefixes: string[];
  createdAt: Date;
}

/** Secrets are sealed (reversible) or hashed before they reach the store. */
export interface MerchantStore {
  insert(input: {
    name: string;
    apiKeyHash: string;
    apiKeyPrefix: string;
    webhookSecretSealed: string;
    telegramTokenSealed: string | null;
    baleTokenSealed: string | null;
    isDefault: boolean;
  }): Promise<{ id: string; name: string }>;
  list(): Promise<MerchantSummary[]>;
  get(id: string): Promise<MerchantSummary | null>;
  exists(id: string): Promise<boolean>;
  /** Revokes every live key of the merchant and adds the new one, atomically. */
  replaceApiKey(id: string, apiKeyHash: string, apiKeyPrefix: string): Promise<void>;
  /** The current secret becomes the previous one (still accepted) and the new one is current. */
  rotateWebhookSecret(id: string, newSealed: string): Promise<void>;
  /** A new token (or none) forgets the bot's webhook secret. */
  setBotToken(channel: BotChannelName, id: string, sealed: string | null): Promise<void>;
  setBotWebhookSecret(channel: BotChannelName, id: string, secret: string): Promise<void>;
  botConfigs(channel: BotChannelName): Promise<{ id: string; tokenSealed: string; webhookSecret: string | null; isDefault: boolean }[]>;
  /** False when another merchant already has this number. */
  setWhatsAppNumber(id: string, number: string | null): Promise<boolean>;
  whatsappAccounts(): Promise<WhatsAppAccount[]>;
}

export interface WhatsAppAccount {
  merchantId: string;
  /** E.164 */
  number: string;
}

export interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** The messengers whose bots speak Telegram's Bot API (Bale's follows it): one grammY bot per merchant on each. */
export type BotChannelName = Extract<ChannelName, 'telegram' | 'bale'>;
export const BOT_CHANNELS = ['telegram', 'bale'] as const satisfies readonly BotChannelName[];

export interface TelegramBotConfig {
  merchantId: string;
  token: string;
  webhookSecret: string | null;
  isDefault: boolean;
}

export interface NewMerchantCredentials {
  id: string;
  name: string;
  apiKey: string;
  webhookSecret: string;
}

const TELEGRAM_TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;
/** Bale's BotFather gives tokens shaped like Telegram's (`<bot id>:<secret>`). */
const BALE_TOKEN = /^\d+:[A-Za-z0-9_-]{16,}$/;

function checkToken(channel: BotChannelName, token: string): void {
  if (channel === 'telegram' && !TELEGRAM_TOKEN.test(token))
    throw invalid('invalid_telegram_token', 'Telegram token must look like 123456789:AA…');
  if (channel === 'bale' && !BALE_TOKEN.test(token)) throw invalid('invalid_bale_token', 'Bale token must look like 123456789:AbC…');
}

export class MerchantService {
  constructor(
    private readonly store: MerchantStore,
    private readonly sealer: Sealer,
  ) {}

  /** Creates a merchant; the API key and webhook secret are returned once and never again. */
  async create(input: { name: string; telegramToken?: string; baleToken?: string; isDefault?: boolean }): Promise<NewMerchantCredentials> {
    const name = input.name.trim();
    if (!name || name.length > 120) throw invalid('invalid_name', 'Merchant name must be 1–120 characters');
    if (input.telegramToken) checkToken('telegram', input.telegramToken);
    if (input.baleToken) checkToken('bale', input.baleToken);
    const apiKey = generateApiKey();
    const webhookSecret = generateWebhookSecret();
    const row = await this.store.insert({
      name,
      apiKeyHash: hashApiKey(apiKey),
      apiKeyPrefix: apiKeyDisplayPrefix(apiKey),
      webhookSecretSealed: this.sealer.seal(webhookSecret),
      telegramTokenSealed: input.telegramToken ? this.sealer.seal(input.telegramToken) : null,
      baleTokenSealed: input.baleToken ? this.sealer.seal(input.baleToken) : null,
      isDefault: input.isDefault ?? false,
    });
    return { id: row.id, name: row.name, apiKey, webhookSecret };
  }

  list(): Promise<MerchantSummary[]> {
    return this.store.list();
  }

  async get(id: string): Promise<MerchantSummary> {
    const m = await this.store.get(id);
    if (!m) throw notFound('merchant_not_found', `No merchant with id ${id}`);
    return m;
  }

  /** The Telegram bot token of a merchant (null removes the bot). */
  setTelegramToken(id: string, token: string | null): Promise<void> {
    return this.setBotToken('telegram', id, token);
  }

  /** The Bale bot token of a merchant (null: the club is not on Bale). */
  setBaleToken(id: string, token: string | null): Promise<void> {
    return this.setBotToken('bale', id, token);
  }

  async setBotToken(channel: BotChannelName, id: string, token: string | null): Promise<void> {
    if (token !== null) checkToken(channel, token);
    await this.requireMerchant(id);
    await this.store.setBotToken(channel, id, token === null ? null : this.sealer.seal(token));
  }

  setTelegramWebhookSecret(id: string, secret: string): Promise<void> {
    return this.store.setBotWebhookSecret('telegram', id, secret);
  }

  setBotWebhookSecret(channel: BotChannelName, id: string, secret: string): Promise<void> {
    return this.store.setBotWebhookSecret(channel, id, secret);
  }

  /** Every merchant that has a Telegram bot, with its token in the clear (for the bot and notification roles). */
  telegramBots(): Promise<TelegramBotConfig[]> {
    return this.bots('telegram');
  }

  /** Every merchant that has a Bale bot, with its token in the clear. */
  baleBots(): Promise<TelegramBotConfig[]> {
    return this.bots('bale');
  }

  async bots(channel: BotChannelName): Promise<TelegramBotConfig[]> {
    return (await this.store.botConfigs(channel)).map((c) => ({
      merchantId: c.id,
      token: this.sealer.open(c.tokenSealed),
      webhookSecret: c.webhookSecret,
      isDefault: c.isDefault,
    }));
  }

  /** The club's WhatsApp number (null: the club is not on WhatsApp). */
  async setWhatsAppNumber(id: string, number: string | null): Promise<string | null> {
    const phone = number === null ? null : normalizePhone(number);
    if (number !== null && !phone) throw invalid('invalid_whatsapp_number', 'WhatsApp number must be a mobile number, e.g. +989121234567');
    await this.requireMerchant(id);
    if (!(await this.store.setWhatsAppNumber(id, phone)))
      throw conflict('whatsapp_number_taken', 'Another merchant already uses this WhatsApp number');
    return phone;
  }

  /** Every merchant whose club runs on WhatsApp, with its number. */
  whatsappAccounts(): Promise<WhatsAppAccount[]> {
    return this.store.whatsappAccounts();
  }

  async rotateApiKey(id: string): Promise<{ id: string; apiKey: string }> {
    await this.requireMerchant(id);
    const apiKey = generateApiKey();
    await this.store.replaceApiKey(id, hashApiKey(apiKey), apiKeyDisplayPrefix(apiKey));
    return { id, apiKey };
  }

  async rotateWebhookSecret(id: string): Promise<{ id: string; webhookSecret: string }> {
    await this.requireMerchant(id);
    const webhookSecret = generateWebhookSecret();
    await this.store.rotateWebhookSecret(id, this.sealer.seal(webhookSecret));
    return { id, webhookSecret };
  }

  private async requireMerchant(id: string): Promise<void> {
    if (!(await this.store.exists(id))) throw notFound('merchant_not_found', `No merchant with id ${id}`);
  }
}
