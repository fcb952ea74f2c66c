import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { parse as parseQuery } from 'node:querystring';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as it arrived: signatures are computed over it. */
    rawBody?: string;
  }
}

export const MERGE_PATCH_JSON = 'application/merge-patch+json';
export const FORM_URLENCODED = 'application/x-www-form-urlencoded';
export const CSV = 'text/csv';

/** Whether the route says (schema.consumes) it takes this media type; every route takes JSON. */
function routeTakes(request: FastifyRequest, type: string): boolean {
  return (request.routeOptions.schema?.consumes as string[] | undefined)?.includes(type) ?? false;
}

const unsupported = (request: FastifyRequest) => new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']);

/**
 * JSON bodies are read as strings so webhook signatures can be checked over the exact bytes;
 * Fastify's own JSON parser keeps guarding against prototype poisoning. Every other type is
 * taken only by the routes that name it in `schema.consumes` (merge patches on PATCH
 * /v1/settings, WooCommerce's form-encoded ping, CSV imports as a stream); elsewhere it is
 * 415, so a form body can never pass for a JSON one.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    json(request, body as string, done);
  });
  app.addContentTypeParser(MERGE_PATCH_JSON, { parseAs: 'string' }, (request, body, done) => {
    if (!routeTakes(request, MERGE_PATCH_JSON)) return done(unsupported(request));
    request.rawBody = body as string;
    json(request, body as string, done);
  });
  app.addContentTypeParser(FORM_URLENCODED, { parseAs: 'string' }, (request, body, done) => {
    if (!routeTakes(request, FORM_URLENCODED)) return done(unsupported(request));
    request.rawBody = body as string;
    done(null, parseQuery(body as string));
  });
  app.addContentTypeParser([CSV, 'application/csv'], (request, payload, done) => {
    if (!routeTakes(request, CSV)) return done(unsupported(request));
    done(null, payload);
  });
}
