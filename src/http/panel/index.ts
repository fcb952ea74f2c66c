import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { translator } from '../../chat/i18n.js';
import type { PanelSession } from '../../domain/admin/panel-access.js';
import { SESSION_COOKIE, type PanelDeps } from './deps.js';
import { DomainError, ErrorKind } from '../../domain/errors.js';
import { can } from '../../domain/admin/permissions.js';
import { PANEL_NAV } from './nav.js';
import { STATUS_BY_KIND } from '../errors.js';
import { panelAssets } from './assets.js';
import { messagePage } from './layout.js';
import { signInPages } from './pages/sign-in.js';
import { overviewPage } from './pages/overview.js';
import { memberPages } from './pages/members.js';
import { exportPages } from './pages/exports.js';
import { clubPages } from './pages/club-pages.js';

export type { PanelDeps } from './deps.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in operator of the web panel (set by the panel's auth hook). */
    panel?: PanelSession | null;
  }
  interface FastifyContextConfig {
    /** A panel route open without a session (sign-in, assets). */
    panelPublic?: boolean;
  }
}

/** Whether a POST carries this session's token (form field or htmx header), compared in constant time. */
function csrfMatches(request: FastifyRequest, expected: string): boolean {
  const body = request.body as Record<string, unknown> | undefined;
  const sent = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? request.headers['x-csrf-token'];
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The merchant web panel at /panel: server-rendered pages (typed templates, htmx for live search),
 * a session cookie from a one-time link, the synchronizer CSRF token on every POST, and the
 * operator's role checked by the domain on every page and action.
 *
 * A new page: a file in pages/ that registers its routes (paths relative to /panel) and is
 * called below; a line in PANEL_NAV (nav.ts) with the AdminAction it needs; the handler builds
 * `panelView(request, …)`, asks the domain (a guarded AdminService/PanelService method, or
 * `deps.panel.require(op, action)`) before reading anything, and answers `panelPage(v, title, body)`.
 * Forms post with `schema: FORM` and carry `csrfField(v)`; words live under `panel.` in locales.
 */
export function panelRoutes(deps: PanelDeps) {
  return async function panel(app: FastifyInstance) {
    await app.register(cookie);
    app.decorateRequest('panel', null);
    const t = translator(deps.locale);
    // Pages are no API: they stay out of the OpenAPI document.
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    app.addHook('onSend', async (request, reply) => {
      reply.header('referrer-policy', 'no-referrer');
      reply.header('x-frame-options', 'DENY');
      reply.header('x-content-type-options', 'nosniff');
      reply.header(
        'content-security-policy',
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; frame-ancestors 'none'; form-action 'self'",
      );
      if (!request.routeOptions.config.panelPublic || request.method !== 'GET') reply.header('cache-control', 'no-store');
    });

    const refuse = (reply: FastifyReply, status: number, title: string, message: string) =>
      reply
        .status(status)
        .type('text/html; charset=utf-8')
        .send(messagePage({ locale: deps.locale, t, title, message }).value);

    app.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.config.panelPublic) return;
      const token = request.cookies[SESSION_COOKIE];
      request.panel = token ? await deps.access.session(token) : null;
      if (!request.panel) return refuse(reply, 401, t('panel.signed_out.title'), t('panel.signed_out.text'));
    });
    app.addHook('preHandler', async (request, reply) => {
      if (request.method === 'GET' || request.method === 'HEAD' || request.routeOptions.config.panelPublic) return;
      if (!csrfMatches(request, request.panel!.csrf)) {
        request.log.warn({ operator: request.panel!.operator.id }, 'panel POST without a valid CSRF token');
        return refuse(reply, 403, t('panel.forbidden.title'), t('panel.csrf_failed'));
      }
    });

    app.setErrorHandler(async (err, request, reply) => {
      if (err instanceof DomainError) {
        const status = STATUS_BY_KIND[err.kind];
        if (err.kind === ErrorKind.Forbidden)
          return refuse(
            reply,
            status,
            t('panel.forbidden.title'),
            t('panel.forbidden.text', { role: t(`admin.role.${request.panel?.operator.role ?? 'cashier'}`) }),
          );
        if (err.kind === ErrorKind.NotFound) return refuse(reply, status, t('panel.not_found.title'), t('panel.not_found.text'));
        return refuse(reply, status, t('panel.error.title'), err.message);
      }
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status >= 500) request.log.error({ err }, 'panel request failed');
      return refuse(reply, status, t('panel.error.title'), t('panel.error.text'));
    });
    app.setNotFoundHandler((request, reply) => refuse(reply, 404, t('panel.not_found.title'), t('panel.not_found.text')));

    await panelAssets(app);
    await signInPages(app, { ...deps, t });
    app.get('/', async (request, reply) => reply.redirect(firstPage(request), 303));
    await overviewPage(app, deps);
    await memberPages(app, deps);
    await exportPages(app, deps);
    if (deps.services) await clubPages(app, { ...deps, services: deps.services });
  };
}

/** Where /panel leads: the first page of the menu this role may open. */
function firstPage(request: FastifyRequest): string {
  const role = request.panel!.operator.role;
  return PANEL_NAV.find((item) => can(role, item.needs))?.path ?? '/panel/members';
}
