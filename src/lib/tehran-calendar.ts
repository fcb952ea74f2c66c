import { jalaaliMonthLength, toGregorian, toJalaali } from 'jalaali-js';
import { tehranDay, tehranParts } from './jalali.js';

const DAY_MS = 86_400_000;
const WEEKDAY_FROM_SATURDAY = { sat: 0, sun: 1, mon: 2, tue: 3, wed: 4, thu: 5, fri: 6 } as const;

/** Midnight in Tehran on the day of `moment` (Iran keeps UTC+03:30 all year). */
export function tehranStartOfDay(moment: Date): Date {
  return new Date(`${tehranDay(moment)}T00:00:00+03:30`);
}

/** Midnight in Tehran on the Saturday that began the Iranian week of `moment`. */
export function tehranStartOfWeek(moment: Date): Date {
  const day = tehranStartOfDay(moment);
  return new Date(day.getTime() - WEEKDAY_FROM_SATURDAY[tehranParts(moment).weekday] * DAY_MS);
}

/** The Tehran days ('YYYY-MM-DD') of the Jalali week (Saturday to Friday) or month of `moment`. */
export function tehranDaysOf(period: 'week' | 'month', moment: Date): string[] {
  if (period === 'week') {
    const start = tehranStartOfWeek(moment);
    return Array.from({ length: 7 }, (_, i) => tehranDay(new Date(start.getTime() + i * DAY_MS + 12 * 3_600_000)));
  }
  const [y, m, d] = tehranDay(moment).split('-').map(Number) as [number, number, number];
  const { jy, jm } = toJalaali(y, m, d);
  return Array.from({ length: jalaaliMonthLength(jy, jm) }, (_, i) => {
    const g = toGregorian(jy, jm, i + 1);
    return `${g.gy}-${String(g.gm).padStart(2, '0')}-${String(g.gd).padStart(2, '0')}`;
  });
}
