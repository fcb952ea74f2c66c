import type { FastifyInstance } from 'fastify';
import type { Translate } from '../../../chat/i18n.js';
import { PANEL_SESSION_TTL_MS } from '../../../domain/admin/panel-access.js';
import { html } from '../html.js';
import { messagePage } from '../layout.js';
import { FORM, SESSION_COOKIE, type PanelDeps } from '../deps.js';

/**
 * Sign-in by a one-time link. Opening the link only shows a button: link previews and scanners
 * fetch URLs too, and must not use up the link; pressing the button (a POST) does.
 */
export async function signInPages(app: FastifyInstance, deps: PanelDeps & { t: Translate }) {
  const { t, locale } = deps;
  const page = (title: string, message: string, extra?: ReturnType<typeof html>) => messagePage({ locale, t, title, message, extra }).value;

  app.get<{ Querystring: { token?: string } }>('/sign-in', { config: { panelPublic: true } }, async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    reply.type('text/html; charset=utf-8');
    if (!token) return page(t('panel.sign_in.title'), t('panel.sign_in.how'));
    return page(
      t('panel.sign_in.title'),
      t('panel.sign_in.press'),
      html`<form method="post" action="/panel/sign-in">
        <input type="hidden" name="token" value="${token}" /><button type="submit" class="primary" autofocus>
          ${t('panel.sign_in.button')}
        </button>
      </form>`,
    );
  });

  app.post('/sign-in', { config: { panelPublic: true }, schema: FORM }, async (request, reply) => {
    const token = (request.body as Record<string, unknown> | undefined)?.token;
    const out = typeof token === 'string' && token ? await deps.access.signIn(token) : null;
    if (!out)
      return reply
        .status(401)
        .type('text/html; charset=utf-8')
        .send(page(t('panel.sign_in.refused_title'), t('panel.sign_in.refused')));
    reply.setCookie(SESSION_COOKIE, out.sessionToken, {
      path: '/panel',
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secureCookies,
      maxAge: PANEL_SESSION_TTL_MS / 1000,
    });
    return reply.redirect('/panel', 303);
  });

  app.post('/sign-out', { schema: FORM }, async (request, reply) => {
    await deps.access.signOut(request.cookies[SESSION_COOKIE]!);
    reply.clearCookie(SESSION_COOKIE, { path: '/panel', httpOnly: true, sameSite: 'strict', secure: deps.secureCookies });
    return reply.redirect('/panel/signed-out', 303);
  });

  app.get('/signed-out', { config: { panelPublic: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(page(t('panel.signed_out.done_title'), t('panel.signed_out.done'))),
  );
}
