import type { FastifyInstance } from 'fastify';
import { parse as parseQuery } from 'node:querystring';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as it arrived: signatures are computed over it. */
    rawBody?: string;
  }
}

/**
 * JSON and form bodies are read as strings so webhook signatures can be checked over the exact
 * bytes; CSV is handed over as a stream (imports can be large). Fastify's own JSON parser keeps
 * guarding against prototype poisoning.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    json(request, body as string, done);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    done(null, parseQuery(body as string));
  });
  app.addContentTypeParser(['text/csv', 'application/csv'], (_request, payload, done) => done(null, payload));
}
