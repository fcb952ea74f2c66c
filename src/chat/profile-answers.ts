import { allTranslations } from './i18n.js';
import type { Gender } from '../domain/members/types.js';
import { parseJalaliDate } from '../lib/jalali.js';

/** An answer to a question: the value, or the locale key (and its values) that explains what was wrong. */
export type Parsed<T> = { ok: T } | { error: string; params?: Record<string, string> };

/** Letters of any script, spaces, apostrophes, hyphens and the Persian half-space. */
const NAME = /^[\p{L}\p{M}\s'\u200c-]+$/u;
const NAME_MAX = 60;

export const parseName = (text: string): Parsed<string> =>
  text.length > NAME_MAX ? { error: 'profile_steps.name_too_long' } : NAME.test(text) ? { ok: text } : { error: 'profile_steps.bad_name' };
export const parseCity = (text: string): Parsed<string> =>
  text.length > NAME_MAX ? { error: 'profile_steps.name_too_long' } : !/\d/.test(text) ? { ok: text } : { error: 'profile_steps.bad_name' };

/** A Jalali birth date typed any way, for someone between 3 and 120 years old; ISO date out. */
export function parseBirthDate(text: string): Parsed<string> {
  const date = parseJalaliDate(text);
  if (!date) return { error: 'profile_steps.bad_birth_date' };
  const age = (Date.now() - date.getTime()) / (365.25 * 86_400_000);
  return age >= 3 && age <= 120 ? { ok: date.toISOString().slice(0, 10) } : { error: 'profile_steps.bad_birth_date' };
}

export function parseGender(text: string): Parsed<Gender> {
  if (allTranslations('profile_steps.male').includes(text)) return { ok: 'male' };
  if (allTranslations('profile_steps.female').includes(text)) return { ok: 'female' };
  return { error: 'profile_steps.bad_choice' };
}
