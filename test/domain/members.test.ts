import { describe, expect, it } from 'vitest';
import { formatIranianPhone, normalizePhone } from '../../src/domain/members/phone.js';
import { CODE_ALPHABET, generateCode, normalizeCode } from '../../src/domain/members/codes.js';
import { formatJalaliDate, formatJalaliDateTime, parseJalaliDate, tehranDay } from '../../src/lib/jalali.js';
import { parseWholeNumber, toPersianDigits } from '../../src/lib/digits.js';
import { tierForPoints, tierProgress } from '../../src/domain/tiers/tiers.js';
import { tierSettingsSchema } from '../../src/domain/rules/settings.js';
import { reversalFor } from '../../src/domain/purchases/reversal.js';

describe('phone numbers', () => {
  it.each([
    '09121234567',
    '9121234567',
    '+989121234567',
    '00989121234567',
    '989121234567',
    '۰۹۱۲۱۲۳۴۵۶۷',
    '٠٩١٢١٢٣٤٥٦٧',
    '0912 123 4567',
    '0912-123-4567',
    '+98 (912) 123 4567',
    '+9809121234567',
  ])('%s → +989121234567', (input) => {
    expect(normalizePhone(input)).toBe('+989121234567');
  });

  it.each(['', '12345', '02112345678', '091212345678', '+98212345678', 'abc', '0912123456x'])('rejects %j', (input) => {
    expect(normalizePhone(input)).toBeNull();
  });

  it('keeps other countries in E.164 when written with + or 00', () => {
    expect(normalizePhone('+44 7700 900123')).toBe('+447700900123');
    expect(normalizePhone('0049 1512 3456789')).toBe('+4915123456789');
  });

  it('prints Iranian numbers the way people read them', () => {
    expect(formatIranianPhone('+989121234567')).toBe('0912 123 4567');
  });
});

describe('codes', () => {
  it('are drawn from an alphabet without look-alikes', () => {
    for (const ch of '01ILOU') expect(CODE_ALPHABET).not.toContain(ch);
    const code = generateCode(7);
    expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{7}$`));
  });

  it('are read case-insensitively, in any digit script, ignoring spaces and dashes', () => {
    expect(normalizeCode(' ab3-k۹z ')).toBe('AB3K9Z');
    expect(normalizeCode('AB0K9Z')).toBeNull();
    expect(normalizeCode('AB3K9Z', 7)).toBeNull();
  });
});

describe('Jalali dates and Persian digits', () => {
  it('parses birth dates typed any way', () => {
    for (const input of ['۱۳۷۰/۰۶/۳۱', '1370-6-31', '1370/06/31', '٧٠/٦/٣١', ' 1370 . 6 . 31 ']) {
      expect(parseJalaliDate(input)?.toISOString().slice(0, 10)).toBe('1991-09-22');
    }
  });

  it('rejects days that do not exist', () => {
    expect(parseJalaliDate('1370/07/31')).toBeNull(); // Mehr has 30 days
    expect(parseJalaliDate('1404/12/30')).toBeNull(); // not a leap year
    expect(parseJalaliDate('1403/12/30')?.toISOString().slice(0, 10)).toBe('2025-03-20');
    expect(parseJalaliDate('1370/13/01')).toBeNull();
    expect(parseJalaliDate('hello')).toBeNull();
  });

  it('formats dates in Jalali with Persian digits, without shifting the day', () => {
    expect(formatJalaliDate(new Date('1991-09-22T00:00:00Z'))).toBe('۱۳۷۰/۰۶/۳۱');
    // 20:30 UTC on 20 March 2026 is already Nowruz in Tehran.
    expect(formatJalaliDateTime(new Date('2026-03-20T20:30:00Z'), { time: true })).toBe('۱۴۰۵/۰۱/۰۱، ۰۰:۰۰');
    expect(tehranDay(new Date('2026-03-20T20:30:00Z'))).toBe('2026-03-21');
  });

  it('reads numbers in any script with separators, and writes Persian digits', () => {
    expect(parseWholeNumber('۱۲٬۵۰۰')).toBe(12500);
    expect(parseWholeNumber('1,250,000')).toBe(1250000);
    expect(parseWholeNumber('12.5')).toBeNull();
    expect(toPersianDigits('1405/09/02')).toBe('۱۴۰۵/۰۹/۰۲');
  });
});

describe('tiers', () => {
  const tiers = tierSettingsSchema.parse({});
  it('maps qualifying points to the highest tier reached, and shows the way to the next', () => {
    expect(tierForPoints(tiers, 0)).toBe('bronze');
    expect(tierForPoints(tiers, 499)).toBe('bronze');
    expect(tierForPoints(tiers, 500)).toBe('silver');
    expect(tierForPoints(tiers, 10_000)).toBe('gold');
    expect(tierProgress(tiers, 'silver', 1_250)).toEqual({
      tier: 'silver',
      qualifyingPoints: 1_250,
      next: { tier: 'gold', threshold: 2_000, pointsToGo: 750, percent: 50 },
    });
    expect(tierProgress(tiers, 'gold', 9_000)).toEqual({ tier: 'gold', qualifyingPoints: 9_000 });
  });
});

describe('refund reversal', () => {
  it('is cumulative: partial refunds add up to exactly the award', () => {
    const purchase = {
      amount: 1_000,
      refundedAmount: 0,
      awarded: { points: 10, coins: 7, credit: 99 },
      reversed: { points: 0, coins: 0, credit: 0 },
    };
    const first = reversalFor(purchase, 333);
    expect(first).toEqual({ points: 3, coins: 2, credit: 32 });
    const second = reversalFor({ ...purchase, refundedAmount: 333, reversed: first }, 333);
    expect(second).toEqual({ points: 3, coins: 2, credit: 33 });
    const last = reversalFor({ ...purchase, refundedAmount: 666, reversed: { points: 6, coins: 4, credit: 65 } }, 334);
    expect(last).toEqual({ points: 4, coins: 3, credit: 34 });
  });
});
