import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, ErrorKind } from '../domain/errors.js';
import { ERROR_CODES, type ErrorCode } from '../domain/error-codes.js';

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  [ErrorKind.Invalid]: 400,
  [ErrorKind.Unauthorized]: 401,
  [ErrorKind.Forbidden]: 403,
  [ErrorKind.NotFound]: 404,
  [ErrorKind.Conflict]: 409,
  [ErrorKind.Unprocessable]: 422,
  [ErrorKind.RateLimited]: 429,
  [ErrorKind.TooLarge]: 413,
  [ErrorKind.UnsupportedMediaType]: 415,
  [ErrorKind.Internal]: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: ErrorCode, message: string = ERROR_CODES[code].message, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Fastify's own errors (body parsing, size, content type) as our JSON shape. */
const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'Request body is larger than 1 MiB' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Content-Type must be application/json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'Body is empty but Content-Type is application/json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'Body is not valid JSON' },
};

/** The one place errors become HTTP responses; 5xx details stay in the log. */
export function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof DomainError) {
    return reply.status(STATUS_BY_KIND[err.kind]).send(errorBody(err.code, err.message, err.details));
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const details = err.validation.map((v) => ({
      field: [err.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      problem: v.message,
    }));
    return reply
      .status(400)
      .send(
        errorBody(
          'validation_failed',
          `Invalid ${err.validationContext ?? 'request'}: ${details.map((d) => `${d.field} ${d.problem}`).join('; ')}`,
          details,
        ),
      );
  }
  const known = err.code ? FASTIFY_CODES[err.code] : undefined;
  if (known) return reply.status(known.status).send(errorBody(known.code, known.message));
  if (err instanceof SyntaxError && err.statusCode === 400)
    return reply.status(400).send(errorBody('invalid_json', 'Body is not valid JSON'));
  const status = err.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err }, 'request failed');
    return reply.status(status).send(errorBody('internal_error', 'Something went wrong on our side; it has been logged'));
  }
  if (status === 429) return reply.status(429).send(errorBody('rate_limited', err.message));
  return reply.status(status).send(errorBody('bad_request', err.message, err.code ? { cause: err.code } : undefined));
}
