import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' });
const redisUrl = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' });

/** The keyword operators require at the end of promotional SMS (a setting, not translated text). */
export const DEFAULT_SMS_OPT_OUT_KEYWORD = 'لغو۱۱';

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: postgresUrl.default('postgresql://postgres@127.0.0.1:5432/bashgah'),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, : _ - only')
    .default('bashgah'),
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROLE: z.enum(['all', 'api', 'bot', 'worker', 'whatsapp']).default('all'),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional(),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-...')
    .optional(),
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional(),
  /** The default merchant's Bale bot (Bale's BotFather gives it). */
  BALE_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-...')
    .optional(),
  /** Bale's Bot API for every Bale bot; https://tapi.bale.ai unless set (the built-in local one in demo mode). */
  BALE_API_ROOT: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional(),
  /** Broadcast messages per second per Bale bot. */
  BALE_BROADCAST_RATE_PER_SECOND: z.coerce.number({ error: 'must be a number' }).int().min(1).max(30).default(20),
  DEFAULT_LOCALE: z.enum(['fa', 'en']).default('fa'),
  DATA_DIR: z.string().min(1).default('.data'),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
    .optional(),
  /** Name of the merchant created for TELEGRAM_BOT_TOKEN, or for the local demo. */
  DEFAULT_MERCHANT_NAME: z.string().min(1).default('Bashgah Demo'),
  /** Merchant API and webhook requests per second per merchant (a merchant setting can change it). */
  RATE_LIMIT_PER_SECOND: z.coerce.number({ error: 'must be a number' }).int().min(1).default(100),
  /** Ledger statements one process runs at once; calls arriving meanwhile are grouped (see ledger-batcher.ts). */
  LEDGER_CONCURRENCY: z.coerce.number({ error: 'must be a number' }).int().min(1).max(64).default(3),
  /** Requests with wrong credentials (401) per client address and minute before it gets 429. */
  FAILED_AUTH_PER_MINUTE: z.coerce.number({ error: 'must be a number' }).int().min(1).default(30),
  /** Accepted clock difference of signed webhooks, in seconds. */
  /** Pause between the frames of the lucky wheel's animation in Telegram (0: show the prize at once). */
  WHEEL_FRAME_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(5000).default(700),
  /** Broadcast messages per second per bot (Telegram allows about 30). */
  BROADCAST_RATE_PER_SECOND: z.coerce.number({ error: 'must be a number' }).int().min(1).max(30).default(25),
  /** WhatsApp: off, local (the built-in stand-in; the default in demo mode) or web (whatsapp-web.js). */
  WHATSAPP: z.enum(['off', 'local', 'web']).optional(),
  /** The default merchant's WhatsApp number (E.164 or 0912…); other clubs: merchant whatsapp in the CLI. */
  WHATSAPP_NUMBER: z
    .string()
    .regex(/^[+0-9۰-۹ ()-]{8,20}$/, 'must be a phone number like +989121234567')
    .optional(),
  /** Milliseconds between two messages from one WhatsApp number (notifications and broadcasts). */
  WHATSAPP_SEND_INTERVAL_MS: z.coerce.number({ error: 'must be a number' }).int().min(100).default(1000),
  /** Messages per hour from one number to people who have not written to it first. */
  WHATSAPP_FIRST_CONTACTS_PER_HOUR: z.coerce.number({ error: 'must be a number' }).int().min(1).default(120),
  /** SMS line: kavenegar, smsir, local (the built-in stand-in; the default in demo mode) or none. */
  SMS_PROVIDER: z.enum(['kavenegar', 'smsir', 'local', 'none']).optional(),
  SMS_API_KEY: z.string().min(8, 'must be the API key from the provider panel').optional(),
  /** The line (sender number) SMS go out from, e.g. 10004346 or 3000xxxx. */
  SMS_SENDER: z
    .string()
    .regex(/^\+?[0-9]{3,20}$/, 'must be the line number, digits only')
    .optional(),
  /** Another address for the provider's API (a proxy, or a stand-in in tests). */
  SMS_API_ROOT: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional(),
  /** What one SMS part costs, in Rials (the estimate shown before a broadcast). */
  SMS_PRICE_PER_PART_RIALS: z.coerce.number({ error: 'must be a number' }).int().min(0).default(1300),
  /** SMS per merchant per Tehran day; past it, messages wait for the next morning. */
  SMS_DAILY_CAP: z.coerce.number({ error: 'must be a number' }).int().min(1).default(1000),
  /** Enables /sms/inbound/<secret>, where a provider may push the SMS people send to the line. */
  SMS_INBOUND_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be 16 or more letters, digits, _ or -')
    .optional(),
  /** The opt-out keyword added to every promotional SMS (operators require one). */
  SMS_OPT_OUT_KEYWORD: z.string().min(1).max(20).default(DEFAULT_SMS_OPT_OUT_KEYWORD),
  WEBHOOK_TOLERANCE_SECONDS: z.coerce.number({ error: 'must be a number' }).int().min(1).default(300),
  /** 1: outgoing webhooks may go to loopback and private addresses (default in demo mode only). */
  WEBHOOKS_ALLOW_PRIVATE: z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional(),
});

export type Config = z.infer<typeof configSchema>;

/** WHATSAPP, or by default: the local stand-in in demo mode (no bot token), off otherwise. */
export function whatsappMode(config: Config): 'off' | 'local' | 'web' {
  return config.WHATSAPP ?? (demoMode(config) && !config.TELEGRAM_API_ROOT ? 'local' : 'off');
}

/** Local demo: no bot token at all (Telegram's or Bale's); bots talk to the built-in Bot API. */
export function demoMode(config: Config): boolean {
  return !config.TELEGRAM_BOT_TOKEN && !config.BALE_BOT_TOKEN;
}

/** SMS_PROVIDER, or by default: the local stand-in in demo mode (no bot token of either messenger), none otherwise. */
export function smsProvider(config: Config): 'kavenegar' | 'smsir' | 'local' | 'none' {
  return config.SMS_PROVIDER ?? (demoMode(config) && !config.TELEGRAM_API_ROOT ? 'local' : 'none');
}

/** WEBHOOKS_ALLOW_PRIVATE, or by default: allowed in demo mode (the playground's own receiver), refused otherwise. */
export function webhooksAllowPrivate(config: Config): boolean {
  if (config.WEBHOOKS_ALLOW_PRIVATE) return config.WEBHOOKS_ALLOW_PRIVATE === '1';
  return demoMode(config);
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
  }
}

/** Never echoed in an error: keys, tokens and URLs that may carry a password. */
const SECRET_VARIABLES = new Set([
  'ENCRYPTION_KEY',
  'TELEGRAM_BOT_TOKEN',
  'BALE_BOT_TOKEN',
  'SMS_API_KEY',
  'SMS_INBOUND_SECRET',
  'DATABASE_URL',
  'REDIS_URL',
]);

/** Parses the environment once; the first problem becomes one readable line (secrets named, not shown). */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, emptyToUndefined(v)]));
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const shown = typeof input[variable] === 'string' && !SECRET_VARIABLES.has(variable) ? ` (got "${input[variable]}")` : '';
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const provider = result.data.SMS_PROVIDER;
  if ((provider === 'kavenegar' || provider === 'smsir') && !result.data.SMS_API_KEY)
    throw new ConfigError('SMS_API_KEY', `is required when SMS_PROVIDER is ${provider}`);
  if (provider === 'smsir' && !result.data.SMS_SENDER)
    throw new ConfigError('SMS_SENDER', 'is required when SMS_PROVIDER is smsir (the line number)');
  return result.data;
}

/** Loads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
