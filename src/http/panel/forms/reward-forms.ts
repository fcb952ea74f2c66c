import type { z } from 'zod';
import type { Translate } from '../../../chat/i18n.js';
import type { Gift } from '../../../domain/rewards/gift-service.js';
import { parseJalaliDate, parseJalaliDateTime, tehranDay } from '../../../lib/jalali.js';
import { parseWhole } from '../page-kit.js';
import type { Field } from './fields.js';

/**
 * The create and edit forms of gifts, voucher campaigns and raffles. Inputs are named by their
 * path in the domain's schema (giftInputSchema, campaignInputSchema, raffleInputSchema), so the
 * schema's issues land next to their field; here the form's strings only become the schema's
 * types (numbers in any digits, a Jalali date as an instant) and the schema judges the rest.
 */
type Form = Record<string, string>;

const text = (form: Form, name: string) => (form[name] ?? '').trim();
/** A number in any digits; a text that is no number is passed on so the schema names the field. */
const whole = (form: Form, name: string): unknown => {
  const s = text(form, name);
  return s ? (parseWhole(s) ?? s) : undefined;
};

const G = (k: string) => `panel_pages.gifts.field.${k}`;
const V = (k: string) => `panel_pages.vouchers.field.${k}`;
const R = (k: string) => `panel_pages.raffles.field.${k}`;

export function giftFields(t: Translate): Field[] {
  return [
    { name: 'title', kind: 'text', label: G('title') },
    { name: 'description', kind: 'textarea', label: G('description') },
    { name: 'cost', kind: 'int', label: G('cost') },
    {
      name: 'costCurrency',
      kind: 'select',
      label: G('currency'),
      options: ['coins', 'points', 'credit'].map((c) => ({ value: c, label: t(`currency.${c}`) })),
    },
    { name: 'stock', kind: 'int', label: G('stock'), hint: G('stock_hint') },
    { name: 'imageUrl', kind: 'text', label: G('image'), hint: G('image_hint'), ltr: true },
    { name: 'active', kind: 'bool', label: G('active') },
  ];
}

/**
 * The gift's less common settings, under "more options": when members see it (Jalali days) and
 * its place in the catalog. The tiers it is offered to are checkboxes of the club's tiers, drawn
 * by the page.
 */
export function giftMoreFields(): Field[] {
  return [
    { name: 'visibleFrom', kind: 'text', label: G('visible_from'), hint: G('visible_from_hint') },
    { name: 'visibleTo', kind: 'text', label: G('visible_to'), hint: G('visible_to_hint') },
    { name: 'position', kind: 'int', label: G('position'), hint: G('position_hint') },
  ];
}

export type GiftDateField = 'visibleFrom' | 'visibleTo';

/**
 * A Jalali day typed in any digits as the moment Tehran's day starts (`start`) or ends (`end`);
 * null when nothing was typed, 'bad' when there is no such day. A day that is the stored moment's
 * own day keeps the stored moment (a window set to the minute through the API survives an edit
 * of the gift's title).
 */
function dayEdge(typed: string, edge: 'start' | 'end', stored: Date | null | undefined): Date | null | 'bad' {
  if (!typed) return null;
  const day = parseJalaliDate(typed);
  if (!day) return 'bad';
  const iso = day.toISOString().slice(0, 10);
  if (stored && tehranDay(stored) === iso) return stored;
  return new Date(`${iso}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}+03:30`);
}

/**
 * A gift as the form says it, whole (also when editing): an empty stock is unlimited, an empty
 * description or picture is none; no tier ticked is every tier, an empty day no limit, an empty
 * position the default (0). `tiers`: the ticked tier keys. `days`: the window's two ends as
 * moments, null when empty, 'bad' when the typed day does not exist (left out of `input`).
 */
export function giftFromForm(
  form: Form,
  tiers: readonly string[],
  stored?: Pick<Gift, 'visibleFrom' | 'visibleTo'> | null,
): { input: Record<string, unknown>; days: Record<GiftDateField, Date | null | 'bad'> } {
  const from = dayEdge(text(form, 'visibleFrom'), 'start', stored?.visibleFrom);
  const to = dayEdge(text(form, 'visibleTo'), 'end', stored?.visibleTo);
  const moment = (d: Date | null | 'bad') => (d instanceof Date ? d.toISOString() : null);
  return {
    input: {
      title: text(form, 'title'),
      description: text(form, 'description') || null,
      cost: whole(form, 'cost'),
      costCurrency: text(form, 'costCurrency'),
      stock: whole(form, 'stock') ?? null,
      imageUrl: text(form, 'imageUrl') || null,
      active: form.active === 'on',
      tiers: [...tiers],
      visibleFrom: moment(from),
      visibleTo: moment(to),
      position: whole(form, 'position') ?? 0,
    },
    days: { visibleFrom: from, visibleTo: to },
  };
}

export const VOUCHER_KINDS = ['percent', 'fixed', 'free_shipping', 'gift_item'] as const;

/** `unit`: the club's money unit, named in the hint of a fixed amount. */
export function voucherFields(t: Translate, unit: 'IRT' | 'IRR'): Field[] {
  return [
    { name: 'name', kind: 'text', label: V('name') },
    {
      name: 'kind',
      kind: 'select',
      label: V('kind'),
      options: VOUCHER_KINDS.map((k) => ({ value: k, label: t(`panel_pages.vouchers.kind.${k}`) })),
    },
    { name: 'value', kind: 'int', label: V('value'), hint: V('value_hint'), hintArgs: { unit: t(`currency.${unit}`) } },
    { name: 'giftItem', kind: 'text', label: V('gift_item'), hint: V('gift_item_hint') },
    {
      name: 'codes',
      kind: 'select',
      label: V('codes'),
      options: ['unique', 'shared'].map((c) => ({ value: c, label: t(`panel_pages.vouchers.codes.${c}`) })),
    },
    { name: 'sharedCode', kind: 'text', label: V('shared_code'), hint: V('shared_code_hint'), ltr: true },
    { name: 'validTo', kind: 'text', label: V('valid_to'), hint: V('valid_to_hint') },
  ];
}

/**
 * A voucher campaign from the form's few fields (the rest keep the schema's defaults). The last
 * day of validity is a Jalali day, passed on as its Gregorian day, which the schema takes to the
 * end of that day in Tehran. `badDate` when what was typed is no Jalali day.
 */
export function voucherFromForm(form: Form): { input: Record<string, unknown>; badDate: boolean } {
  const kind = text(form, 'kind');
  const typedDay = text(form, 'validTo');
  const day = typedDay ? parseJalaliDate(typedDay) : null;
  return {
    input: {
      name: text(form, 'name'),
      kind,
      value: whole(form, 'value'),
      giftItem: kind === 'gift_item' ? text(form, 'giftItem') || null : null,
      sharedCode: text(form, 'codes') === 'shared' ? text(form, 'sharedCode') : null,
      validTo: day ? day.toISOString().slice(0, 10) : null,
    },
    badDate: Boolean(typedDay) && !day,
  };
}

/** Prize rows the raffle form offers; blank rows are no prize. */
export const RAFFLE_PRIZE_ROWS = 5;
export const ENTRY_KINDS = ['purchase', 'points', 'coins'] as const;

export function raffleFields(t: Translate): { main: Field[]; prizes: Field[]; entry: Field[]; closes: Field[] } {
  return {
    main: [{ name: 'title', kind: 'text', label: R('title') }],
    prizes: Array.from({ length: RAFFLE_PRIZE_ROWS }, (_, i): Field[] => [
      { name: `prizes.${i}.title`, kind: 'text', label: R('prize_title'), row: i + 1 },
      { name: `prizes.${i}.count`, kind: 'int', label: R('prize_count'), row: i + 1 },
    ]).flat(),
    entry: [
      {
        name: 'entryRule.kind',
        kind: 'select',
        label: R('entry'),
        options: ENTRY_KINDS.map((k) => ({ value: k, label: t(`panel_pages.raffles.entry.${k}`) })),
      },
      { name: 'entryRule.per', kind: 'int', label: R('points_per_ticket'), hint: R('points_per_ticket_hint') },
      { name: 'entryRule.price', kind: 'int', label: R('coins_per_ticket'), hint: R('coins_per_ticket_hint') },
    ],
    closes: [
      { name: 'closesDate', kind: 'text', label: R('closes_date'), hint: R('closes_date_hint') },
      { name: 'closesTime', kind: 'text', label: R('closes_time'), hint: R('closes_time_hint') },
    ],
  };
}

/**
 * A raffle from the form: the filled prize rows (`rows` says which form row each prize came
 * from, to put the schema's issues back on it), how tickets are earned, and the closing moment
 * typed as a Jalali date and a time in Tehran (an empty time is the end of that day).
 */
export function raffleFromForm(form: Form): { input: Record<string, unknown>; rows: number[]; badDate: boolean } {
  const prizes: Record<string, unknown>[] = [];
  const rows: number[] = [];
  for (let i = 0; i < RAFFLE_PRIZE_ROWS; i++) {
    const title = text(form, `prizes.${i}.title`);
    if (!title && !text(form, `prizes.${i}.count`)) continue;
    prizes.push({ title, count: whole(form, `prizes.${i}.count`) });
    rows.push(i);
  }
  const kind = text(form, 'entryRule.kind');
  const entryRule =
    kind === 'points'
      ? { kind, per: whole(form, 'entryRule.per') }
      : kind === 'coins'
        ? { kind, price: whole(form, 'entryRule.price') }
        : { kind };
  const date = text(form, 'closesDate');
  const closes = date ? parseJalaliDateTime(`${date} ${text(form, 'closesTime') || '23:59'}`) : null;
  return {
    input: { title: text(form, 'title'), prizes, entryRule, closesAt: closes?.toISOString() },
    rows,
    badDate: Boolean(date) && !closes,
  };
}

/** The schema's issues with each prize's index turned back into its row of the form. */
export function onFormRows(issues: readonly z.core.$ZodIssue[], rows: readonly number[]): z.core.$ZodIssue[] {
  return issues.map((issue) =>
    issue.path[0] === 'prizes' && typeof issue.path[1] === 'number'
      ? { ...issue, path: ['prizes', rows[issue.path[1]] ?? issue.path[1], ...issue.path.slice(2)] }
      : issue,
  );
}
