import { isDomainError } from '../../domain/errors.js';
import type { ProfileUpdate } from '../../domain/members/types.js';
import { toLatinDigits } from '../../lib/digits.js';
import { allTranslations } from '../i18n.js';
import { parseBirthDate, parseCity, parseName, type Parsed } from '../profile-answers.js';
import type { Turn } from '../turn.js';

const STEPS = ['firstName', 'lastName', 'birthDate', 'gender', 'city'] as const;
type Step = (typeof STEPS)[number];
const KEYS: Record<Step, string> = { firstName: 'first_name', lastName: 'last_name', birthDate: 'birth_date', gender: 'gender', city: 'city' };

function question(turn: Turn, step: Step): string {
  const q = turn.t(`profile_steps.${KEYS[step]}`);
  return step === 'gender' ? `${q}\n${turn.t('whatsapp.gender_options')}` : `${q}\n${turn.t('whatsapp.skip_hint')}`;
}

/** The short profile from its first question: first name, last name, Jalali birth date, gender, city. */
export function startProfile(turn: Turn) {
  turn.ask({ kind: 'profile', step: 0 }, question(turn, STEPS[0]));
}

function parse(turn: Turn, step: Step, latin: string, raw: string): Parsed<ProfileUpdate> {
  const wrap = <T>(p: Parsed<T>, field: keyof ProfileUpdate, error: string): Parsed<ProfileUpdate> =>
    'ok' in p ? { ok: { [field]: field === 'birthDate' ? new Date(p.ok as string) : p.ok } } : { error: p.error === 'profile_steps.name_too_long' ? 'whatsapp.name_too_long' : error };
  switch (step) {
    case 'firstName':
    case 'lastName':
      return wrap(parseName(raw), step, 'whatsapp.bad_name');
    case 'birthDate':
      return wrap(parseBirthDate(raw, turn.deps.clock.now()), 'birthDate', 'whatsapp.bad_birth_date');
    case 'gender':
      if (latin === '1' || allTranslations('profile_steps.male').includes(raw)) return { ok: { gender: 'male' } };
      if (latin === '2' || allTranslations('profile_steps.female').includes(raw)) return { ok: { gender: 'female' } };
      return { error: 'whatsapp.bad_choice' };
    case 'city':
      return wrap(parseCity(raw), 'city', 'whatsapp.bad_name');
  }
}

/** One answer: saved at once (0 skips); a bad answer is explained and asked again; after the last, the menu. */
export async function profileAnswer(turn: Turn, stepIndex: number, text: string) {
  const step = STEPS[stepIndex]!;
  const raw = text.trim();
  const latin = toLatinDigits(raw);
  if (latin !== '0') {
    const parsed = parse(turn, step, latin, latin === raw ? raw : latin);
    let error = 'error' in parsed ? parsed.error : null;
    if ('ok' in parsed) {
      try {
        await turn.deps.members.updateProfile(turn.merchantId, turn.member.id, parsed.ok);
      } catch (err) {
        if (!isDomainError(err)) throw err;
        error = step === 'birthDate' ? 'whatsapp.bad_birth_date' : 'whatsapp.bad_name';
      }
    }
    if (error) {
      turn.note(turn.t(error));
      return turn.ask({ kind: 'profile', step: stepIndex }, question(turn, step));
    }
  }
  if (stepIndex + 1 < STEPS.length) return turn.ask({ kind: 'profile', step: stepIndex + 1 }, question(turn, STEPS[stepIndex + 1]!));
  turn.note(turn.t('profile_steps.done'));
  turn.menu();
}
