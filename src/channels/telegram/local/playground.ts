import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { isLocale, translator } from '../../../chat/i18n.js';
import type { LocalBotApi } from './local-bot-api.js';

const require = createRequire(import.meta.url);
const PAGE = readFileSync(resolve(import.meta.dirname, 'playground.html'), 'utf8');
const WHATSAPP_PAGE = readFileSync(resolve(import.meta.dirname, '../../whatsapp/local/playground-whatsapp.html'), 'utf8');
const SMS_PAGE = readFileSync(resolve(import.meta.dirname, '../../sms/local/playground-sms.html'), 'utf8');
const CSS = readFileSync(resolve(import.meta.dirname, 'playground.css'), 'utf8');
const FONT = resolve(require.resolve('vazirmatn/package.json'), '..', 'fonts/webfonts/Vazirmatn[wght].woff2');

/** The playground's first user (both tabs); the sample purchase the server prints uses this phone. */
export const FIRST_USER_PHONE = '09121234567';

function page(template: string, lang: string | undefined, root: string, extra: { tabs: string; startHost?: string }): string {
  const locale = isLocale(lang) ? lang : 'fa';
  const t = translator(locale);
  const strings = t('playground', { returnObjects: true }) as Record<string, string>;
  return template
    .replaceAll('__LANG__', locale)
    .replaceAll('__DIR__', locale === 'fa' ? 'rtl' : 'ltr')
    .replaceAll('__ROOT__', root)
    .replaceAll('__FIRST_PHONE__', FIRST_USER_PHONE)
    .replaceAll('__START_HOST__', extra.startHost ?? 't.me')
    .replace('__TABS__', extra.tabs)
    .replace('__STRINGS__', JSON.stringify(strings))
    .replace(/__([A-Z_]+)__/g, (_, key: string) => strings[key.toLowerCase()] ?? key);
}

export type PlaygroundTab = 'telegram' | 'bale' | 'whatsapp' | 'sms' | 'endpoint';
const TAB_PATHS: Record<PlaygroundTab, string> = {
  telegram: '/playground',
  bale: '/playground/bale',
  whatsapp: '/playground/whatsapp',
  sms: '/playground/sms',
  endpoint: '/playground/endpoint',
};

export interface PlaygroundOptions {
  whatsappRoot?: string;
  baleRoot?: string;
  smsRoot?: string;
  /** The shop's webhook endpoint tab (served by the app's demo endpoint). */
  endpoint?: boolean;
}

/** The playground's tabs (placeholders the page fills in), `active` marked; nothing when there is one tab. */
export function playgroundTabs(opts: PlaygroundOptions, lang: string, active: PlaygroundTab): string {
  const shown: PlaygroundTab[] = [
    'telegram',
    ...(opts.baleRoot ? (['bale'] as const) : []),
    ...(opts.whatsappRoot ? (['whatsapp'] as const) : []),
    ...(opts.smsRoot ? (['sms'] as const) : []),
    ...(opts.endpoint ? (['endpoint'] as const) : []),
  ];
  return shown.length > 1
    ? `<nav class="tabs">${shown
        .map((tab) => `<a${tab === active ? ' class="active"' : ''} href="${TAB_PATHS[tab]}?lang=${lang}">__TAB_${tab.toUpperCase()}__</a>`)
        .join('')}</nav>`
    : '';
}

/**
 * GET /playground: a browser page where a person chats with the bot as fake users; with the
 * local Bale Bot API, /playground/bale is the same page on the club's Bale bot, and with the
 * local WhatsApp, /playground/whatsapp does the same over numbered menus (tabs of one page).
 * The tabs share their fake users (and phones), so one person on every messenger is one member;
 * with the local SMS line, /playground/sms shows the inbox of each phone.
 */
export function playgroundRoutes(apiRoot: string, opts: PlaygroundOptions = {}): FastifyPluginAsync {
  return async (app) => {
    const tabs = (lang: string, active: PlaygroundTab) => playgroundTabs(opts, lang, active);
    const serve = (path: string, template: string, root: string, tab: PlaygroundTab) =>
      app.get(path, { schema: { hide: true } }, async (request, reply) => {
        const lang = (request.query as { lang?: string }).lang;
        const startHost = tab === 'bale' ? 'ble.ir' : 't.me';
        return reply
          .type('text/html; charset=utf-8')
          .send(page(template, lang, root, { tabs: tabs(isLocale(lang) ? lang : 'fa', tab), startHost }));
      });
    // Demo mode has nothing else at the root: a newcomer opening the server lands in the playground.
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/playground'));
    serve(TAB_PATHS.telegram, PAGE, apiRoot, 'telegram');
    if (opts.baleRoot) serve(TAB_PATHS.bale, PAGE, opts.baleRoot, 'bale');
    if (opts.whatsappRoot) serve(TAB_PATHS.whatsapp, WHATSAPP_PAGE, opts.whatsappRoot, 'whatsapp');
    if (opts.smsRoot) serve(TAB_PATHS.sms, SMS_PAGE, opts.smsRoot, 'sms');
    app.get('/playground/playground.css', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/css; charset=utf-8').send(CSS),
    );
    app.get('/playground/vazirmatn.woff2', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('font/woff2').header('cache-control', 'public, max-age=86400').send(readFileSync(FONT)),
    );
  };
}

/** A Bot API deep link's payload (Telegram's rule: up to 64 of A-Z, a-z, 0-9, _ and -). */
const START_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Demo mode: a start link of one of the local bots (`https://t.me/<bot>?start=<payload>`, or
 * `https://ble.ir/<bot>?start=…` when there is a local Bale) as the playground tab of that bot
 * with the link ready (`/playground?bot=<bot>&start=<payload>`); null for any other link (a real
 * bot's, a shop's page), which is left as it is.
 */
export function playgroundStartLink(url: string, local: { telegram?: LocalBotApi; bale?: LocalBotApi }): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const tab = parsed.hostname === 't.me' ? 'telegram' : parsed.hostname === 'ble.ir' ? 'bale' : null;
  const api = tab && local[tab];
  const username = /^\/([A-Za-z0-9_]{3,64})$/.exec(parsed.pathname)?.[1];
  const payload = parsed.searchParams.get('start');
  if (!tab || !api || !username || !payload || !START_PAYLOAD.test(payload) || parsed.protocol !== 'https:') return null;
  const bot = api.listBots().find((b) => b.username.toLowerCase() === username.toLowerCase());
  if (!bot) return null;
  return `${TAB_PATHS[tab]}?${new URLSearchParams({ bot: bot.username, start: payload })}`;
}
