import type { z } from 'zod';
import type { PanelView } from '../view.js';

/** The English messages of our schemas' own checks, and the locale key that says them to a person. */
const CUSTOM_MESSAGES: Record<string, string> = {
  'the first tier starts at 0 points': 'first_tier_zero',
  'thresholds must increase from tier to tier': 'thresholds_increase',
  'tier keys must be unique': 'tier_keys_unique',
  'a rule needs a multiplier or a bonus': 'rule_needs_effect',
  'give weight or probability': 'weight_needed',
  'a voucher prize names its campaign': 'prize_needs_voucher',
  'a gift prize names the gift': 'prize_needs_gift',
  'a percentage from 1 to 100': 'percent_range',
  'the amount taken off': 'amount_off',
  'name the gift item': 'gift_item_needed',
  'ends before it starts': 'ends_before_start',
};

/**
 * A zod issue in the operator's language: the schemas stay the API's (English messages for
 * developers); the panel says the same rule in Persian next to the field, numbers in Persian digits.
 */
export function issueText(issue: z.core.$ZodIssue, v: PanelView): string {
  const t = (key: string, o?: Record<string, unknown>) => v.t(`panel_pages.issue.${key}`, o);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return t('whole_number');
      if (issue.expected === 'number') return t('number');
      if ((issue as { input?: unknown }).input === undefined) return t('required');
      return t('invalid');
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? t('required') : t('min_length', { n: v.num(min) });
      if (issue.origin === 'array') return t('min_items', { n: v.num(min) });
      return issue.inclusive === false ? t('more_than', { n: v.dec(min) }) : t('at_least', { n: v.dec(min) });
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return t('max_length', { n: v.num(max) });
      if (issue.origin === 'array') return t('max_items', { n: v.num(max) });
      return t('at_most', { n: v.dec(max) });
    }
    case 'invalid_format':
      return t('format');
    case 'invalid_value':
      return t('choose');
    case 'custom': {
      const key = CUSTOM_MESSAGES[issue.message];
      if (key) return t(key);
      if (issue.message.startsWith('duplicate rule id')) return t('duplicate_id');
      if (issue.message.endsWith('prize needs an amount')) return t('prize_needs_amount');
      if (issue.message.startsWith('not a valid date') || issue.message.startsWith('not a date')) return t('date');
      return t('invalid');
    }
    default:
      return t('invalid');
  }
}

/**
 * Issues by field name (the dotted path); an issue on a path no field shows goes to the nearest
 * field above it, or to '' (the form's top).
 */
export function issuesByField(issues: readonly z.core.$ZodIssue[], fields: ReadonlySet<string>, v: PanelView): Map<string, string> {
  const out = new Map<string, string>();
  for (const issue of issues) {
    const path = issue.path.map(String);
    let name = '';
    for (let n = path.length; n > 0; n--) {
      const candidate = path.slice(0, n).join('.');
      if (fields.has(candidate)) {
        name = candidate;
        break;
      }
    }
    if (!out.has(name)) out.set(name, issueText(issue, v));
  }
  return out;
}
