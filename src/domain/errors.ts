/** What went wrong, in terms a caller can act on; HTTP maps each kind to a status in one place. */
export const ErrorKind = {
  Invalid: 'invalid',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  Conflict: 'conflict',
  Unprocessable: 'unprocessable',
  RateLimited: 'rate_limited',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** snake_case, stable: clients switch on it. */
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, message: string, details?: Record<string, unknown>) => new DomainError(ErrorKind.Invalid, code, message, details);
export const notFound = (code: string, message: string, details?: Record<string, unknown>) => new DomainError(ErrorKind.NotFound, code, message, details);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) => new DomainError(ErrorKind.Conflict, code, message, details);
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>) => new DomainError(ErrorKind.Unprocessable, code, message, details);
export const forbidden = (code: string, message: string, details?: Record<string, unknown>) => new DomainError(ErrorKind.Forbidden, code, message, details);

export function isDomainError(err: unknown, code?: string): err is DomainError {
  return err instanceof DomainError && (code === undefined || err.code === code);
}
