import { randomInt } from 'node:crypto';
import { toLatinDigits } from '../../lib/digits.js';

/** No 0/O, 1/I/L or U: a code read aloud or off a receipt is not misread. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

export const MEMBER_CODE_LENGTH = 7;
export const REFERRAL_CODE_LENGTH = 6;

export function generateCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** What a person typed, as a stored code: any digit script or case, spaces and dashes ignored; null if it cannot be one. */
export function normalizeCode(input: string, length?: number): string | null {
  const code = toLatinDigits(input).trim().toUpperCase().replace(/[\s-]/g, '');
  if (!code || [...code].some((c) => !CODE_ALPHABET.includes(c))) return null;
  if (length !== undefined && code.length !== length) return null;
  return code;
}
