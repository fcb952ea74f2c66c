import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/error-codes.js';
import { DomainError, invalid, notFound } from '../../src/domain/errors.js';
import { STATUS_BY_KIND } from '../../src/http/errors.js';

describe('the error code catalogue', () => {
  it('gives every code a kind with an HTTP status and a default message', () => {
    for (const [code, { kind, message }] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[a-z][a-z_]*$/);
      expect(STATUS_BY_KIND[kind], code).toBeGreaterThanOrEqual(400);
      expect(message.length, code).toBeGreaterThan(3);
    }
    expect(new DomainError('member_not_found')).toMatchObject({ kind: 'not_found', message: 'No such member' });
    expect(notFound('gift_not_found', 'gone').message).toBe('gone');
  });

  it('refuses, at compile time, codes that are not in it or of another kind', () => {
    // @ts-expect-error a free string is not a code
    expect(() => invalid('made_up_code')).toThrow();
    // @ts-expect-error member_not_found is a not_found code, not an invalid one
    expect(invalid('member_not_found').kind).toBe('not_found');
  });
});
