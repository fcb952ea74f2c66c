import { parseJalaliDateTime } from '../../../lib/jalali.js';
import { parseWhole } from '../page-kit.js';

/** The composer's fields as they arrive (tiers may repeat). */
export type ComposerForm = Record<string, unknown>;

const str = (form: ComposerForm, name: string): string => {
  const val = form[name];
  return typeof val === 'string' ? val.trim() : Array.isArray(val) && typeof val.at(-1) === 'string' ? String(val.at(-1)).trim() : '';
};
const all = (form: ComposerForm, name: string): string[] => {
  const val = form[name];
  return (Array.isArray(val) ? val : [val]).filter((x): x is string => typeof x === 'string' && x.trim() !== '');
};

/**
 * The segment builder's inputs as the API's segment object (src/domain/campaigns/segments.ts
 * validates it): numbers in any digits; a text that is no number is passed on so the schema
 * names it. Empty inputs are no condition.
 */
export function segmentFromForm(form: ComposerForm): Record<string, unknown> {
  const seg: Record<string, unknown> = {};
  const tiers = all(form, 'seg_tiers');
  if (tiers.length) seg.tiers = tiers;
  const tags = str(form, 'seg_tags')
    .split(/[,،\n]/)
    .map((x) => x.trim())
    .filter(Boolean);
  if (tags.length) seg.tags = tags;
  for (const key of ['inactiveDays', 'minPoints', 'maxPoints', 'minSpend'] as const) {
    const text = str(form, `seg_${key}`);
    if (text) seg[key] = parseWhole(text) ?? text;
  }
  const joinedFrom = str(form, 'seg_joinedFrom');
  if (joinedFrom) seg.joinedFrom = joinedFrom;
  const channel = str(form, 'seg_channel');
  if (channel) seg.channel = channel;
  const birthday = str(form, 'seg_birthday');
  if (birthday) seg.birthday = birthday;
  return seg;
}

/** "Later": a Jalali date and a time in Tehran, typed in any digits; null when they make no moment. */
export function scheduleFromForm(form: ComposerForm): { at?: string; bad?: true } {
  if (str(form, 'when') !== 'later') return {};
  const at = parseJalaliDateTime(`${str(form, 'date')} ${str(form, 'time') || '00:00'}`);
  return at ? { at: at.toISOString() } : { bad: true };
}

/** The message campaign the composer makes, for the API's campaign schema. */
export function campaignFromForm(form: ComposerForm, scheduleAt: string | undefined): Record<string, unknown> {
  const holdout = str(form, 'holdoutPercent');
  return {
    kind: 'message',
    name: str(form, 'name'),
    segment: segmentFromForm(form),
    message: { text: str(form, 'text') },
    holdoutPercent: holdout ? (parseWhole(holdout) ?? holdout) : 0,
    ...(scheduleAt ? { scheduleAt } : {}),
  };
}

export const composerText = str;
