import { tehranDay, tehranParts } from '../../lib/jalali.js';

/** No promotional SMS between 22:00 and 08:00 Tehran time (Iran keeps UTC+03:30 all year). */
export const QUIET_FROM_HOUR = 22;
export const QUIET_UNTIL_HOUR = 8;

/** When an SMS may go: `now`, or 08:00 Tehran time of the morning after the quiet hours. */
export function smsSendableAt(now: Date): Date {
  const { hour } = tehranParts(now);
  if (hour >= QUIET_UNTIL_HOUR && hour < QUIET_FROM_HOUR) return now;
  const day = hour >= QUIET_FROM_HOUR ? tehranDay(new Date(now.getTime() + 12 * 3_600_000)) : tehranDay(now);
  return new Date(`${day}T0${QUIET_UNTIL_HOUR}:00:00+03:30`);
}

/** 08:00 Tehran time on the day after `now` (when a capped day's messages may go). */
export function nextMorning(now: Date): Date {
  return new Date(`${tehranDay(new Date(now.getTime() + 24 * 3_600_000))}T0${QUIET_UNTIL_HOUR}:00:00+03:30`);
}
