import type { Locale, Translate } from '../../chat/i18n.js';
import { html, type Html } from './html.js';
import { PANEL_NAV } from './nav.js';
import type { PanelView } from './view.js';

export const ASSETS = '/panel/assets';

/** The HTML document: language and direction, the local font and htmx, a skip link for keyboards. */
export function documentShell(opts: { locale: Locale; t: Translate; title: string; header?: Html; body: Html }): Html {
  const { locale, t } = opts;
  return html`<!doctype html>
    <html lang="${locale}" dir="${locale === 'fa' ? 'rtl' : 'ltr'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${opts.title} · ${t('panel.title')}</title>
        <link rel="preload" href="${ASSETS}/vazirmatn.woff2" as="font" type="font/woff2" crossorigin />
        <link rel="stylesheet" href="${ASSETS}/panel.css" />
        <link rel="stylesheet" href="${ASSETS}/panel-pages.css" />
        <script src="${ASSETS}/htmx.min.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t('panel.skip_to_content')}</a>
        ${opts.header}
        <main id="main" tabindex="-1">${opts.body}</main>
      </body>
    </html>`;
}

/** A signed-in page: the club, the operator, the menu of pages this role may open, sign out. */
export function panelPage(v: PanelView, title: string, body: Html): Html {
  const t = v.t;
  const nav = PANEL_NAV.filter((item) => v.can(item.needs));
  const header = html`<header class="top">
    <div class="brand"><strong>${v.club}</strong> <span class="muted">${t('panel.title')}</span></div>
    <nav aria-label="${t('panel.nav.label')}">
      <ul>
        ${nav.map(
          (item) =>
            html`<li>
              <a href="${item.path}" ${v.path === item.path || v.path.startsWith(`${item.path}/`) ? html` aria-current="page"` : ''}
                >${t(item.label)}</a
              >
            </li>`,
        )}
      </ul>
    </nav>
    <form method="post" action="/panel/sign-out" class="who">
      <span
        >${v.op.displayName ?? ''}
        <span class="badge">${t(`admin.role.${v.op.role}`)}${v.op.branch ? `${t('panel.list_separator')}${v.op.branch}` : ''}</span></span
      >
      ${csrfField(v)}
      <button type="submit" class="link">${t('panel.sign_out')}</button>
    </form>
  </header>`;
  return documentShell({
    locale: v.locale,
    t,
    title,
    header,
    body: html`<h1>${title}</h1>
      ${body}`,
  });
}

/** Every form that changes something carries the session's token (checked on the server). */
export function csrfField(v: Pick<PanelView, 'csrf'>): Html {
  return html`<input type="hidden" name="_csrf" value="${v.csrf}" />`;
}

/** A page for someone without a usable session, or a refusal: the message and what to do next. */
export function messagePage(opts: { locale: Locale; t: Translate; title: string; message: string; extra?: Html }): Html {
  return documentShell({
    locale: opts.locale,
    t: opts.t,
    title: opts.title,
    body: html`<section class="card narrow" role="alert">
      <h1>${opts.title}</h1>
      <p>${opts.message}</p>
      ${opts.extra}
    </section>`,
  });
}
