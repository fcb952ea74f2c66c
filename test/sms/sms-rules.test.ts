import { describe, expect, it } from 'vitest';
import { smsCost, smsParts, isOptOutReply, withOptOut } from '../../src/domain/sms/sms-text.js';
import { nextMorning, smsSendableAt } from '../../src/domain/sms/quiet-hours.js';

const tehran = (local: string) => new Date(`${local}+03:30`);

describe('SMS parts and cost', () => {
  it('Persian is UCS-2: 70 characters in one part, 67 a part once split', () => {
    expect(smsParts('س'.repeat(70))).toEqual({ encoding: 'ucs2', length: 70, parts: 1 });
    expect(smsParts('س'.repeat(71)).parts).toBe(2);
    expect(smsParts('س'.repeat(134)).parts).toBe(2);
    expect(smsParts('س'.repeat(135)).parts).toBe(3);
    // One Persian letter in Latin text makes the whole message UCS-2.
    expect(smsParts(`${'a'.repeat(69)}ب`)).toEqual({ encoding: 'ucs2', length: 70, parts: 1 });
  });

  it('Latin-only text is GSM-7: 160 in one part, 153 a part; the extension characters take two places', () => {
    expect(smsParts('a'.repeat(160))).toEqual({ encoding: 'gsm7', length: 160, parts: 1 });
    expect(smsParts('a'.repeat(161)).parts).toBe(2);
    expect(smsParts('a'.repeat(306)).parts).toBe(2);
    expect(smsParts('a'.repeat(307)).parts).toBe(3);
    expect(smsParts(`${'a'.repeat(159)}€`)).toEqual({ encoding: 'gsm7', length: 161, parts: 2 });
  });

  it('the cost is parts × recipients × price per part, in Rials', () => {
    const text = 'ت'.repeat(100); // two parts
    expect(smsCost(text, 1200, 1300)).toMatchObject({ parts: 2, recipients: 1200, costRials: 2 * 1200 * 1300 });
    expect(smsCost('Hi', 0, 1300).costRials).toBe(0);
  });
});

describe('the opt-out keyword', () => {
  it('closes every promotional SMS on a line of its own', () => {
    expect(withOptOut('جشنوارهٔ یلدا شروع شد  ', 'لغو۱۱')).toBe('جشنوارهٔ یلدا شروع شد\nلغو۱۱');
  });

  it('an answer is an opt-out when it is the keyword in any digits and spacing, its word or its number alone', () => {
    for (const answer of ['لغو۱۱', 'لغو 11', ' لغو١١ ', 'لغو', '11', '۱۱', 'STOP'])
      expect(isOptOutReply(answer, 'لغو۱۱'), answer).toBe(true);
    for (const answer of ['سلام', 'لغو کنید لطفا ۱۲', '12', '']) expect(isOptOutReply(answer, 'لغو۱۱'), answer).toBe(false);
    expect(isOptOutReply('off 5', 'OFF5')).toBe(true);
  });
});

describe('quiet hours (22:00–08:00 Tehran time)', () => {
  it('a promotional SMS goes at once by day and waits for 08:00 Tehran time at night', () => {
    const day = tehran('2026-12-01T21:59:00');
    expect(smsSendableAt(day)).toEqual(day);
    expect(smsSendableAt(tehran('2026-12-01T08:00:00'))).toEqual(tehran('2026-12-01T08:00:00'));
    expect(smsSendableAt(tehran('2026-12-01T22:00:00'))).toEqual(tehran('2026-12-02T08:00:00'));
    expect(smsSendableAt(tehran('2026-12-01T23:59:00'))).toEqual(tehran('2026-12-02T08:00:00'));
    expect(smsSendableAt(tehran('2026-12-02T03:00:00'))).toEqual(tehran('2026-12-02T08:00:00'));
    expect(smsSendableAt(tehran('2026-12-02T07:59:00'))).toEqual(tehran('2026-12-02T08:00:00'));
    // The last day of a Jalali year and of a Gregorian month roll over like any other.
    expect(smsSendableAt(tehran('2027-03-20T23:00:00'))).toEqual(tehran('2027-03-21T08:00:00'));
  });

  it('a capped day resumes the next morning at 08:00 Tehran time', () => {
    expect(nextMorning(tehran('2026-12-01T15:00:00'))).toEqual(tehran('2026-12-02T08:00:00'));
    expect(nextMorning(tehran('2026-12-01T01:00:00'))).toEqual(tehran('2026-12-02T08:00:00'));
  });
});
