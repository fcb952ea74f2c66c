import type { FastifyRequest } from 'fastify';
import { invalid } from '../domain/errors.js';

/** NUL, or UTF-16 that is not well-formed (a lone surrogate): PostgreSQL can store neither. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorable = (s: string) => UNSTORABLE.test(s);

/** The path (e.g. `body.items.0.sku`) of the first string, or object key, that cannot be stored. */
function findUnstorable(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return unstorable(value) ? path : null;
  if (typeof value !== 'object' || value === null || depth > 64) return null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = findUnstorable(v, `${path}.${i}`, depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return null; // streams (CSV), buffers
  for (const [k, v] of Object.entries(value)) {
    if (unstorable(k)) return path;
    const bad = findUnstorable(v, `${path}.${k}`, depth + 1);
    if (bad) return bad;
  }
  return null;
}

/**
 * One check for every route, after parsing and before any handler: a NUL byte or a lone
 * surrogate anywhere in the params, query or body is 400 `invalid_text` instead of a database
 * error (500) halfway through a request.
 */
export async function rejectUnstorableText(request: FastifyRequest): Promise<void> {
  for (const [part, value] of [
    ['params', request.params],
    ['query', request.query],
    ['body', request.body],
  ] as const) {
    const field = findUnstorable(value, part);
    if (field) throw invalid('invalid_text', `${field} holds a NUL byte or a lone surrogate, which text cannot contain`, { field });
  }
}
