import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { isLocale, translator } from '../../../chat/i18n.js';

const require = createRequire(import.meta.url);
const PAGE = readFileSync(resolve(import.meta.dirname, 'playground.html'), 'utf8');
const WHATSAPP_PAGE = readFileSync(resolve(import.meta.dirname, '../../whatsapp/local/playground-whatsapp.html'), 'utf8');
const SMS_PAGE = readFileSync(resolve(import.meta.dirname, '../../sms/local/playground-sms.html'), 'utf8');
const CSS = readFileSync(resolve(import.meta.dirname, 'playground.css'), 'utf8');
const FONT = resolve(require.resolve('vazirmatn/package.json'), '..', 'fonts/webfonts/Vazirmatn[wght].woff2');

/** The playground's first user (both tabs); the sample purchase the server prints uses this phone. */
export const FIRST_USER_PHONE = '09121234567';

function page(template: string, lang: string | undefined, root: string, extra: { tabs: string }): string {
  const locale = isLocale(lang) ? lang : 'fa';
  const t = translator(locale);
  const strings = t('playground', { returnObjects: true }) as Record<string, string>;
  return template
    .replaceAll('__LANG__', locale)
    .replaceAll('__DIR__', locale === 'fa' ? 'rtl' : 'ltr')
    .replaceAll('__ROOT__', root)
    .replaceAll('__FIRST_PHONE__', FIRST_USER_PHONE)
    .replace('__TABS__', extra.tabs)
    .replace('__STRINGS__', JSON.stringify(strings))
    .replace(/__([A-Z_]+)__/g, (_, key: string) => strings[key.toLowerCase()] ?? key);
}

/**
 * GET /playground: a browser page where a person chats with the bot as fake users; with the
 * local WhatsApp, /playground/whatsapp does the same over numbered menus (a tab of the page).
 */
export function playgroundRoutes(apiRoot: string, opts: { whatsappRoot?: string; smsRoot?: string } = {}): FastifyPluginAsync {
  return async (app) => {
    const tabList = [
      { path: '/playground', label: '__TAB_TELEGRAM__', on: true },
      { path: '/playground/whatsapp', label: '__TAB_WHATSAPP__', on: !!opts.whatsappRoot },
      { path: '/playground/sms', label: '__TAB_SMS__', on: !!opts.smsRoot },
    ].filter((t) => t.on);
    const tabs = (lang: string, active = '/playground') =>
      tabList.length > 1
        ? `<nav class="tabs">${tabList.map((t) => `<a${t.path === active ? ' class="active"' : ''} href="${t.path}?lang=${lang}">${t.label}</a>`).join('')}</nav>`
        : '';
    const langOf = (request: { query: unknown }) => {
      const lang = (request.query as { lang?: string }).lang;
      return { lang, tabLang: isLocale(lang) ? lang : 'fa' };
    };
    // Demo mode has nothing else at the root: a newcomer opening the server lands in the playground.
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/playground'));
    app.get('/playground', { schema: { hide: true } }, async (request, reply) => {
      const lang = (request.query as { lang?: string }).lang;
      const html = page(PAGE, lang, apiRoot, { tabs: tabs(isLocale(lang) ? lang : 'fa') });
      return reply.type('text/html; charset=utf-8').send(html);
    });
    if (opts.whatsappRoot) {
      const root = opts.whatsappRoot;
      app.get('/playground/whatsapp', { schema: { hide: true } }, async (request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .send(page(WHATSAPP_PAGE, langOf(request).lang, root, { tabs: tabs(langOf(request).tabLang, '/playground/whatsapp') })),
      );
    }
    if (opts.smsRoot) {
      const root = opts.smsRoot;
      app.get('/playground/sms', { schema: { hide: true } }, async (request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .send(page(SMS_PAGE, langOf(request).lang, root, { tabs: tabs(langOf(request).tabLang, '/playground/sms') })),
      );
    }
    app.get('/playground/playground.css', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/css; charset=utf-8').send(CSS),
    );
    app.get('/playground/vazirmatn.woff2', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('font/woff2').header('cache-control', 'public, max-age=86400').send(readFileSync(FONT)),
    );
  };
}
