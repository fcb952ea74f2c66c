import { isDomainError } from '../../domain/errors.js';
import type { ProfileUpdate } from '../../domain/members/types.js';
import { toLatinDigits } from '../../lib/digits.js';
import { allTranslations } from '../i18n.js';
import { parseBirthDate, parseCity, parseGender, parseName, type Parsed } from '../profile-answers.js';
import type { Screen } from '../screens/types.js';
import type { Turn } from '../turn.js';

const STEPS = ['firstName', 'lastName', 'birthDate', 'gender', 'city'] as const;
type Step = (typeof STEPS)[number];
const KEYS: Record<Step, string> = {
  firstName: 'first_name',
  lastName: 'last_name',
  birthDate: 'birth_date',
  gender: 'gender',
  city: 'city',
};

/** A question: with its hint line on a chat of numbers, with skip (and gender) buttons where there are buttons. */
function question(turn: Turn, step: Step): Screen {
  const { t } = turn;
  const q = t(`profile_steps.${KEYS[step]}`);
  if (turn.whatsapp)
    return { text: step === 'gender' ? `${q}\n${t('whatsapp.gender_options')}` : `${q}\n${t('whatsapp.skip_hint')}`, role: 'note' };
  const options =
    step === 'gender' ? [t('profile_steps.male'), t('profile_steps.female'), t('profile_steps.skip')] : [t('profile_steps.skip')];
  return { text: q, keyboard: { kind: 'choices', options }, role: 'note' };
}

/** The short profile from its first question: first name, last name, Jalali birth date, gender, city. */
export function startProfile(turn: Turn, edit = false) {
  turn.ask({ kind: 'profile', step: 0, ...(edit ? { edit } : {}) }, question(turn, STEPS[0]));
}

function parse(turn: Turn, step: Step, latin: string, raw: string): Parsed<ProfileUpdate> {
  const wa = turn.whatsapp;
  const wrap = <T>(p: Parsed<T>, field: keyof ProfileUpdate, error: string): Parsed<ProfileUpdate> =>
    'ok' in p
      ? { ok: { [field]: field === 'birthDate' ? new Date(p.ok as string) : p.ok } }
      : !wa
        ? p
        : { error: p.error === 'profile_steps.name_too_long' ? 'whatsapp.name_too_long' : error };
  switch (step) {
    case 'firstName':
    case 'lastName':
      return wrap(parseName(raw), step, 'whatsapp.bad_name');
    case 'birthDate':
      return wrap(parseBirthDate(raw, turn.deps.clock.now()), 'birthDate', 'whatsapp.bad_birth_date');
    case 'gender':
      if (!wa) return wrap(parseGender(raw), 'gender', '');
      if (latin === '1' || allTranslations('profile_steps.male').includes(raw)) return { ok: { gender: 'male' } };
      if (latin === '2' || allTranslations('profile_steps.female').includes(raw)) return { ok: { gender: 'female' } };
      return { error: 'whatsapp.bad_choice' };
    case 'city':
      return wrap(parseCity(raw), 'city', 'whatsapp.bad_name');
  }
}

/** The question in progress once more, after something that was not its answer (a note said what). */
export function askProfileAgain(turn: Turn, flow: { step: number; edit?: boolean }) {
  turn.ask({ ...flow, kind: 'profile' }, question(turn, STEPS[flow.step] ?? STEPS[0]));
}

/** One answer: saved at once (0 or the skip button skips); a bad answer is explained and asked again; after the last, the menu. */
export async function profileAnswer(turn: Turn, flow: { step: number; edit?: boolean }, text: string | null) {
  const step = STEPS[flow.step]!;
  const again = (error: string, params?: Record<string, string>) => {
    if (turn.whatsapp) turn.note(turn.t(error, params));
    turn.ask({ ...flow, kind: 'profile' }, turn.whatsapp ? question(turn, step) : { ...question(turn, step), text: turn.t(error, params) });
  };
  if (text === null || !text.trim()) return again('profile_steps.bad_text');
  const raw = text.trim();
  const latin = toLatinDigits(raw);
  const skipped = turn.whatsapp ? latin === '0' : turn.isSkip(raw);
  if (!skipped) {
    const parsed = parse(turn, step, latin, latin === raw ? raw : latin);
    if ('error' in parsed) return again(parsed.error, parsed.params);
    try {
      await turn.deps.members.updateProfile(turn.merchantId, turn.member.id, parsed.ok);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      // Telegram checked the answer already and goes on; WhatsApp says what the club could not keep.
      if (turn.whatsapp) return again(step === 'birthDate' ? 'whatsapp.bad_birth_date' : 'whatsapp.bad_name');
    }
  }
  if (flow.step + 1 < STEPS.length)
    return turn.ask({ ...flow, kind: 'profile', step: flow.step + 1 }, question(turn, STEPS[flow.step + 1]!));
  if (flow.edit && !turn.whatsapp) return turn.show({ text: turn.t('profile_steps.done'), keyboard: { kind: 'main' }, role: 'note' });
  turn.note(turn.t('profile_steps.done'));
  turn.menu();
}
