import type { FastifyPluginAsync } from 'fastify';
import type { ShortLinks } from '../../domain/links/short-links.js';
import { errorBody } from '../errors.js';

export interface ShortLinkOptions {
  links: ShortLinks;
  /**
   * Demo mode only: where a target on this server leads instead (a local bot's t.me link opens the
   * playground with it), or null to keep the target. Without it every link goes to its target.
   */
  local?: (url: string) => string | null;
}

/** `/j/<code>`: the short links members get (invite, join and campaign links) redirect to their target (wa.me, t.me). */
export const shortLinkRoutes: FastifyPluginAsync<ShortLinkOptions> = async (app, { links, local }) => {
  app.get<{ Params: { code: string } }>('/j/:code', { schema: { hide: true } }, async (request, reply) => {
    const code = request.params.code;
    const url = /^[A-Za-z0-9_-]{1,32}$/.test(code) ? await links.target(code) : null;
    if (!url) return reply.status(404).send(errorBody('link_not_found', 'No such short link'));
    return reply.redirect(local?.(url) ?? url, 302);
  });
};
