import { ERROR_CODES, type CodeOf, type ErrorCode } from './error-codes.js';

/** What went wrong, in terms a caller can act on; HTTP maps each kind to a status in one place. */
export const ErrorKind = {
  Invalid: 'invalid',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  Conflict: 'conflict',
  Unprocessable: 'unprocessable',
  RateLimited: 'rate_limited',
  /** Transport-level kinds, for the codes HTTP answers itself. */
  TooLarge: 'too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  Internal: 'internal',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

export class DomainError extends Error {
  readonly kind: ErrorKind;

  constructor(
    /** snake_case, stable: clients switch on it (one of ERROR_CODES). */
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
    this.kind = ERROR_CODES[code].kind;
  }
}

type Details = Record<string, unknown>;
export const invalid = (code: CodeOf<'invalid'>, message?: string, details?: Details) => new DomainError(code, message, details);
export const notFound = (code: CodeOf<'not_found'>, message?: string, details?: Details) => new DomainError(code, message, details);
export const conflict = (code: CodeOf<'conflict'>, message?: string, details?: Details) => new DomainError(code, message, details);
export const unprocessable = (code: CodeOf<'unprocessable'>, message?: string, details?: Details) =>
  new DomainError(code, message, details);
export const forbidden = (code: CodeOf<'forbidden'>, message?: string, details?: Details) => new DomainError(code, message, details);
export const unauthorized = (code: CodeOf<'unauthorized'>, message?: string, details?: Details) => new DomainError(code, message, details);

export function isDomainError(err: unknown, code?: ErrorCode): err is DomainError {
  return err instanceof DomainError && (code === undefined || err.code === code);
}
