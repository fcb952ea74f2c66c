import type { FastifyPluginAsync } from 'fastify';
import type { ShortLinks } from '../../domain/links/short-links.js';
import { errorBody } from '../errors.js';

/** `/j/<code>`: the short links members get (invite and campaign links) redirect to their wa.me target. */
export const shortLinkRoutes: FastifyPluginAsync<{ links: ShortLinks }> = async (app, { links }) => {
  app.get<{ Params: { code: string } }>('/j/:code', { schema: { hide: true } }, async (request, reply) => {
    const code = request.params.code;
    const url = /^[A-Za-z0-9_-]{1,32}$/.test(code) ? await links.target(code) : null;
    if (!url) return reply.status(404).send(errorBody('link_not_found', 'No such short link'));
    return reply.redirect(url, 302);
  });
};
