import { toLatinDigits } from '../../lib/digits.js';

/**
 * Any way a member or a shop writes a phone number, as E.164. Iranian mobiles in every local
 * form (0912…, 912…, 98912…, +98912…, 0098912…) become +98912…; other countries need their
 * + or 00 prefix. Returns null for anything that is not a phone number.
 */
export function normalizePhone(input: string): string | null {
  const raw = toLatinDigits(input)
    .trim()
    .replace(/[\s\-().\u200c\u200e\u200f]/g, '');
  if (!/^\+?\d+$/.test(raw)) return null;
  let digits: string;
  if (raw.startsWith('+')) digits = raw.slice(1);
  else if (raw.startsWith('00')) digits = raw.slice(2);
  else if (/^09\d{9}$/.test(raw)) digits = `98${raw.slice(1)}`;
  else if (/^9\d{9}$/.test(raw)) digits = `98${raw}`;
  else if (/^989\d{9}$/.test(raw)) digits = raw;
  else return null;
  if (digits.startsWith('98')) {
    // Iranian numbers: mobiles only (the club reaches members on their phones); a 0 after 98 is forgiven.
    const national = digits.slice(2).replace(/^0/, '');
    return /^9\d{9}$/.test(national) ? `+98${national}` : null;
  }
  return /^[1-9]\d{7,14}$/.test(digits) ? `+${digits}` : null;
}

/** +989121234567 → 0912 123 4567 (how Iranians read their numbers). */
export function formatIranianPhone(e164: string): string {
  const m = /^\+98(9\d{2})(\d{3})(\d{4})$/.exec(e164);
  return m ? `0${m[1]} ${m[2]} ${m[3]}` : e164;
}
