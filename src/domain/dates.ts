import { z } from 'zod';
import { toLatinDigits } from '../lib/digits.js';
import { parseCalendarDate } from '../lib/jalali.js';

/**
 * A moment as merchants type it: an ISO date-time, or a calendar day in Jalali (1405/09/01, any
 * digits) or Gregorian (2026-11-22) taken as Tehran's whole day — from its start, or to its end.
 */
export const dayOrMoment = (edge: 'start' | 'end') =>
  z.string().transform((text, ctx) => {
    const day = /^\d{4}[/-]\d{1,2}[/-]\d{1,2}$/.test(toLatinDigits(text).trim()) ? parseCalendarDate(text) : null;
    const moment = day
      ? new Date(`${day.toISOString().slice(0, 10)}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}+03:30`)
      : new Date(text);
    if (Number.isNaN(moment.getTime())) {
      ctx.addIssue({ code: 'custom', message: `not a date: ${text}` });
      return z.NEVER;
    }
    return moment;
  });
