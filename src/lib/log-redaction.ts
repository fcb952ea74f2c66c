import { stdSerializers, type LoggerOptions } from 'pino';

const REDACTED = '[redacted]';

/** Phone-shaped digit runs (10–15 digits in any script, with spaces or dashes, an optional +). */
const PHONE = /(?:\+|%2B)?\p{Nd}(?:[\s-]?\p{Nd}){9,14}/giu;
/** Bot API paths carry the bot token: /bot123456:ABC…/getUpdates. */
const BOT_TOKEN = /\/bot\d+:[\w-]+/g;
/** Bale's webhook path ends in the bot's secret: /bale/<merchant id>/<secret>. */
const BALE_WEBHOOK = /(\/bale\/[0-9a-f-]{36}\/)[^/?#\s]+/gi;
/** Query parameters whose values are credentials. */
const SECRET_PARAM = /([?&](?:token|key|api_?key|secret|signature|password|access_token)=)[^&#]*/gi;

/** Text for a log line: phones and credentials replaced, the rest as it was. */
export function redactText(text: string): string {
  return text
    .replace(BOT_TOKEN, `/bot${REDACTED}`)
    .replace(BALE_WEBHOOK, `$1${REDACTED}`)
    .replace(SECRET_PARAM, `$1${REDACTED}`)
    .replace(PHONE, '[phone]');
}

/** A request URL for a log line; percent-encoded digits (a phone in Persian digits) are decoded first. */
export function redactUrl(url: string): string {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // malformed escapes: redact what is there
  }
  return redactText(decoded);
}

/** Fields that never reach a log line as they are (pino paths; `*` is one level of any key). */
const PATHS = [
  'req.url',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-bashgah-signature"]',
  'req.headers["x-wc-webhook-signature"]',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'authorization',
  '*.authorization',
  'apiKey',
  '*.apiKey',
  'webhookSecret',
  '*.webhookSecret',
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'phone',
  '*.phone',
];

/** pino options that keep members' phones and every token out of the logs. */
export const redactingLoggerOptions: Pick<LoggerOptions, 'redact' | 'hooks' | 'serializers'> = {
  serializers: {
    err: (err: Error) => {
      const out = stdSerializers.err(err);
      return { ...out, message: redactText(out.message), stack: out.stack && redactText(out.stack) };
    },
  },
  redact: {
    paths: PATHS,
    censor: (value: unknown, path: string[]) => (path.join('.') === 'req.url' && typeof value === 'string' ? redactUrl(value) : REDACTED),
  },
  hooks: {
    // Messages are strings put together by code: a phone or URL inside one is redacted too.
    logMethod(args, method) {
      return method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>);
    },
  },
};
