import { describe, expect, it } from 'vitest';
import { parseConfig, ConfigError, demoMode, smsProvider } from '../src/config.js';
import { baleApiRoot, telegramApiRoot } from '../src/app/container.js';

describe('config', () => {
  it('has defaults that work on this machine', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/bashgah',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 3000,
      ROLE: 'all',
      DEFAULT_LOCALE: 'fa',
      LEDGER_CONCURRENCY: 3,
    });
    expect(c.PUBLIC_URL).toBeUndefined();
    expect(c.TELEGRAM_BOT_TOKEN).toBeUndefined();
    // SMS: the local line in demo mode, none with a real bot; Persian opt-out keyword; a cap.
    expect(smsProvider(c)).toBe('local');
    expect(smsProvider(parseConfig({ TELEGRAM_BOT_TOKEN: '123:abc' }))).toBe('none');
    expect(c).toMatchObject({ SMS_OPT_OUT_KEYWORD: 'لغو۱۱', SMS_DAILY_CAP: 1000, SMS_PRICE_PER_PART_RIALS: 1300 });
  });

  it('reads and coerces values, treating empty strings as unset', () => {
    const c = parseConfig({
      PORT: '3111',
      ROLE: 'worker',
      PUBLIC_URL: 'https://club.example.ir',
      TELEGRAM_BOT_TOKEN: '',
      LOG_LEVEL: 'debug',
    });
    expect(c.PORT).toBe(3111);
    expect(c.ROLE).toBe('worker');
    expect(c.PUBLIC_URL).toBe('https://club.example.ir');
    expect(c.TELEGRAM_BOT_TOKEN).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT .*"abc"/],
    [{ PORT: '70000' }, /^Invalid configuration: PORT /],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /^Invalid configuration: DATABASE_URL must be a postgresql:\/\/ URL/],
    [{ DATABASE_URL: 'not a url' }, /^Invalid configuration: DATABASE_URL /],
    [{ ROLE: 'everything' }, /^Invalid configuration: ROLE /],
    [{ REDIS_URL: 'http://x' }, /^Invalid configuration: REDIS_URL /],
    [{ TELEGRAM_BOT_TOKEN: 'nope' }, /^Invalid configuration: TELEGRAM_BOT_TOKEN /],
    [{ BALE_BOT_TOKEN: 'nope' }, /^Invalid configuration: BALE_BOT_TOKEN /],
    [{ BALE_API_ROOT: 'ftp://bale' }, /^Invalid configuration: BALE_API_ROOT /],
    [{ BALE_BROADCAST_RATE_PER_SECOND: '0' }, /^Invalid configuration: BALE_BROADCAST_RATE_PER_SECOND /],
    [{ ENCRYPTION_KEY: 'short' }, /^Invalid configuration: ENCRYPTION_KEY /],
    [{ SMS_PROVIDER: 'magfa' }, /^Invalid configuration: SMS_PROVIDER /],
    [{ SMS_PROVIDER: 'kavenegar' }, /^Invalid configuration: SMS_API_KEY is required when SMS_PROVIDER is kavenegar/],
    [{ SMS_PROVIDER: 'smsir', SMS_API_KEY: 'abcdefghij' }, /^Invalid configuration: SMS_SENDER is required/],
    [{ SMS_SENDER: '3000-abc' }, /^Invalid configuration: SMS_SENDER /],
    [{ SMS_DAILY_CAP: '0' }, /^Invalid configuration: SMS_DAILY_CAP /],
    [{ LEDGER_CONCURRENCY: '0' }, /^Invalid configuration: LEDGER_CONCURRENCY /],
  ])('names the bad variable in one line: %o', (env, message) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it.each([
    ['ENCRYPTION_KEY', 'deadbeef-not-64-hex-secret'],
    ['TELEGRAM_BOT_TOKEN', '123456:secret token with spaces'],
    ['BALE_BOT_TOKEN', '123456:secret token with spaces'],
    ['DATABASE_URL', 'mysql://admin:hunter2secret@db/club'],
    ['REDIS_URL', 'http://:hunter2secret@cache'],
  ])('names a bad secret (%s) without echoing its value', (variable, value) => {
    expect(() => parseConfig({ [variable]: value })).toThrow(ConfigError);
    try {
      parseConfig({ [variable]: value });
    } catch (err) {
      expect((err as Error).message).toContain(variable);
      expect((err as Error).message).not.toContain('secret');
    }
  });

  it('Bale: tapi.bale.ai unless BALE_API_ROOT says otherwise, the local Bot API in demo mode; a Bale token alone is not the demo', () => {
    expect(baleApiRoot(parseConfig({ TELEGRAM_BOT_TOKEN: '1:abc' }))).toEqual({ apiRoot: 'https://tapi.bale.ai', local: false });
    expect(baleApiRoot(parseConfig({ BALE_API_ROOT: 'http://bale.test/', BALE_BOT_TOKEN: '2:abc' }))).toEqual({
      apiRoot: 'http://bale.test',
      local: false,
    });
    expect(baleApiRoot(parseConfig({ PORT: '3111' }))).toEqual({ apiRoot: 'http://127.0.0.1:3111/local-bale-api', local: true });
    const baleOnly = parseConfig({ BALE_BOT_TOKEN: '2:abc' });
    expect(demoMode(baleOnly)).toBe(false);
    expect(telegramApiRoot(baleOnly).local).toBe(false);
    expect(parseConfig({}).BALE_BROADCAST_RATE_PER_SECOND).toBe(20);
  });
});
