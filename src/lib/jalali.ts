import { isValidJalaaliDate, toGregorian, toJalaali as gregorianToJalali } from 'jalaali-js';
import { toLatinDigits } from './digits.js';

export const TEHRAN = 'Asia/Tehran';

/**
 * A Jalali date typed by a member: any digit script, separators / - . or space,
 * e.g. ۱۳۷۰/۰۶/۳۱ or 1370-6-31. Returns the Gregorian calendar date (UTC midnight) or null
 * when the date does not exist (31 Esfand in a common year, month 13, …).
 */
export function parseJalaliDate(input: string): Date | null {
  const m = /^\s*(\d{2,4})\s*[/\-.\s]\s*(\d{1,2})\s*[/\-.\s]\s*(\d{1,2})\s*$/.exec(toLatinDigits(input));
  if (!m) return null;
  let jy = Number(m[1]);
  const jm = Number(m[2]);
  const jd = Number(m[3]);
  if (jy < 100) jy += 1300; // "70/6/31" means 1370
  if (!isValidJalaaliDate(jy, jm, jd)) return null;
  const { gy, gm, gd } = toGregorian(jy, jm, jd);
  return new Date(Date.UTC(gy, gm - 1, gd));
}

/** A calendar date given either in Jalali (year < 1700) or Gregorian, as YYYY-MM-DD / YYYY/MM/DD. */
export function parseCalendarDate(input: string): Date | null {
  const m = /^\s*(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})\s*$/.exec(toLatinDigits(input));
  if (!m) return null;
  if (Number(m[1]) < 1700) return parseJalaliDate(input);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : null;
}

export function toJalali(date: Date): { jy: number; jm: number; jd: number } {
  return gregorianToJalali(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

const dateOnly = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });

/** A stored calendar date (birth date) in Jalali with Persian digits: ۱۳۷۰/۰۶/۳۱. No time-zone shift. */
export function formatJalaliDate(date: Date): string {
  return dateOnly.format(date);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A moment as Tehran sees it, Jalali calendar: ۱۴۰۵/۰۹/۰۲ or with time ۱۴۰۵/۰۹/۰۲، ۱۴:۳۰. */
export function formatJalaliDateTime(moment: Date, opts: { time?: boolean; locale?: 'fa' | 'en' } = {}): string {
  const locale = opts.locale === 'en' ? 'en-US-u-ca-persian' : 'fa-IR-u-ca-persian';
  const key = `${locale}|${opts.time ? 1 : 0}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone: TEHRAN,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(opts.time ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
    });
    formatters.set(key, f);
  }
  // ICU joins date and time with a Latin comma; Persian text uses its own.
  return opts.locale === 'en' ? f.format(moment) : f.format(moment).replace(', ', '، ');
}

/** Tehran's calendar day of a moment, as YYYY-MM-DD (Gregorian), for per-day counters. */
export function tehranDay(moment: Date): string {
  return tehranParts(moment).isoDate;
}

const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: TEHRAN,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});

export interface TehranParts {
  isoDate: string;
  weekday: 'sat' | 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri';
  hour: number;
  minute: number;
}

/**
 * Tehran's offset from UTC is whole minutes (and its changes fell on the hour), so every moment
 * in one UTC minute has the same parts: the last minute's are kept, since purchases arrive by
 * the thousand per minute and formatToParts is the costliest step of rating one.
 */
let lastMinute = NaN;
let lastParts: TehranParts | undefined;

export function tehranParts(moment: Date): TehranParts {
  const minute = Math.floor(moment.getTime() / 60_000);
  if (minute === lastMinute && lastParts) return { ...lastParts };
  lastParts = formatTehranParts(moment);
  lastMinute = minute;
  return { ...lastParts };
}

function formatTehranParts(moment: Date): TehranParts {
  const parts = Object.fromEntries(partsFormat.formatToParts(moment).map((p) => [p.type, p.value]));
  return {
    isoDate: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: parts.weekday!.toLowerCase().slice(0, 3) as TehranParts['weekday'],
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** The Jalali month a moment falls in (Tehran), as the instants it starts and ends. */
export function jalaliMonthRange(moment: Date): { from: Date; to: Date; jy: number; jm: number } {
  const today = new Date(`${tehranDay(moment)}T00:00:00Z`);
  const { jy, jm } = toJalali(today);
  const start = toGregorian(jy, jm, 1);
  const next = jm === 12 ? toGregorian(jy + 1, 1, 1) : toGregorian(jy, jm + 1, 1);
  const iso = (d: { gy: number; gm: number; gd: number }) => `${d.gy}-${String(d.gm).padStart(2, '0')}-${String(d.gd).padStart(2, '0')}`;
  // Iran has kept UTC+03:30 all year since 2022.
  return { from: new Date(`${iso(start)}T00:00:00+03:30`), to: new Date(`${iso(next)}T00:00:00+03:30`), jy, jm };
}

/** "۱۴۰۵/۰۹/۰۵ ۱۸:۳۰" (any digits; the time is optional, 00:00 then) as a moment in Tehran, or null. */
export function parseJalaliDateTime(input: string): Date | null {
  const m = /^\s*(\d{2,4}[/\-.]\d{1,2}[/\-.]\d{1,2})(?:\s+(\d{1,2})[:٫.](\d{2}))?\s*$/.exec(toLatinDigits(input));
  if (!m) return null;
  const day = parseJalaliDate(m[1]!);
  const [h, min] = [Number(m[2] ?? 0), Number(m[3] ?? 0)];
  if (!day || h > 23 || min > 59) return null;
  return new Date(`${day.toISOString().slice(0, 10)}T${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}:00+03:30`);
}
