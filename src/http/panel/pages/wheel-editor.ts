import { PRIZE_KINDS, wheelInputSchema, type WheelConfig } from '../../../domain/rewards/wheel.js';
import type { z } from 'zod';
import { html, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import { parseWhole } from '../page-kit.js';
import type { PanelView } from '../view.js';
import { issuesByField } from '../forms/zod-issues.js';

type Form = Record<string, unknown>;
const text = (form: Form, name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');

/** Prize rows in the form: p<i>_label, p<i>_kind, p<i>_amount, p<i>_weight, p<i>_stock (and the hidden references). */
function prizesFromForm(form: Form): Record<string, unknown>[] {
  const prizes: Record<string, unknown>[] = [];
  for (let i = 0; i < 24; i++) {
    const label = text(form, `p${i}_label`);
    if (!label && !text(form, `p${i}_weight`)) continue;
    const num = (k: string) => {
      const s = text(form, `p${i}_${k}`);
      return s ? (parseWhole(s) ?? s) : undefined;
    };
    const p: Record<string, unknown> = { label, kind: text(form, `p${i}_kind`) || 'nothing', weight: num('weight') };
    if (num('amount') !== undefined) p.amount = num('amount');
    if (num('stock') !== undefined) p.stock = num('stock');
    // The voucher campaign or gift a prize gives: "voucher:<id>" or "gift:<id>".
    const [refKind, refId] = text(form, `p${i}_ref`).split(':');
    if (refKind === 'voucher' && refId) p.voucherCampaignId = refId;
    if (refKind === 'gift' && refId) p.giftId = refId;
    prizes.push(p);
  }
  return prizes;
}

export function wheelFromForm(form: Form): Record<string, unknown> {
  const cost = text(form, 'costCoins');
  const perDay = text(form, 'perDay');
  return {
    enabled: form.enabled === 'on',
    costCoins: cost ? (parseWhole(cost) ?? cost) : 0,
    perDay: perDay ? (parseWhole(perDay) ?? perDay) : null,
    prizes: prizesFromForm(form),
  };
}

/** Each prize's chance from the weights typed so far (prizes out of stock still count: stock runs out later). */
export function oddsList(v: PanelView, form: Form): Html {
  const prizes = prizesFromForm(form);
  const weights = prizes.map((p) => (typeof p.weight === 'number' && p.weight > 0 ? p.weight : 0));
  const total = weights.reduce((s, w) => s + w, 0);
  if (!total) return html`<p class="muted">${v.t('panel_pages.wheel.no_odds')}</p>`;
  return html`<ul class="plain odds">
    ${prizes.map(
      (p, i) =>
        html`<li data-odds="${i}">
          ${String(p.label) || '—'}: <strong>${v.dec(Math.round((weights[i]! / total) * 1000) / 10)}٪</strong>
        </li>`,
    )}
  </ul>`;
}

/** What a voucher or gift prize can give: the club's voucher campaigns and gifts. */
export interface PrizeChoices {
  vouchers: { id: string; name: string }[];
  gifts: { id: string; title: string }[];
}

function prizeRow(
  v: PanelView,
  i: number,
  p: Partial<WheelConfig['prizes'][number]> | undefined,
  choices: PrizeChoices,
  typed?: Form,
): Html {
  const t = v.t;
  const value = (k: string, stored: unknown) =>
    typed
      ? text(typed, `p${i}_${k}`)
      : stored === null || stored === undefined
        ? ''
        : typeof stored === 'number'
          ? v.num(stored)
          : String(stored);
  const kind = typed ? text(typed, `p${i}_kind`) : (p?.kind ?? 'nothing');
  const ref = typed
    ? text(typed, `p${i}_ref`)
    : p?.voucherCampaignId
      ? `voucher:${p.voucherCampaignId}`
      : p?.giftId
        ? `gift:${p.giftId}`
        : '';
  const input = (k: string, stored: unknown, mode = 'numeric') =>
    html`<input
      name="p${i}_${k}"
      value="${value(k, stored)}"
      inputmode="${mode}"
      autocomplete="off"
      aria-label="${t(`panel_pages.wheel.${k}`)} ${v.num(i + 1)}"
    />`;
  // Each cell names its column too: shown where the rows stack as cards on a phone (the inputs carry their own labels).
  const cell = (k: string, field: Html) =>
    html`<td data-col="${k}"><span class="cell-name" aria-hidden="true">${t(`panel_pages.wheel.${k}`)}</span>${field}</td>`;
  return html`<tr>
    ${cell('label', input('label', p?.label, 'text'))}
    ${cell(
      'kind',
      html`<select name="p${i}_kind" aria-label="${t('panel_pages.wheel.kind')} ${v.num(i + 1)}">
        ${PRIZE_KINDS.map((k) => html`<option value="${k}" ${k === kind ? html`selected` : ''}>${t(`panel_pages.wheel.kinds.${k}`)}</option>`)}
      </select>`,
    )}
    ${cell(
      'ref',
      html`<select name="p${i}_ref" aria-label="${t('panel_pages.wheel.ref')} ${v.num(i + 1)}">
        <option value="">—</option>
        ${choices.vouchers.map((c) => html`<option value="voucher:${c.id}" ${ref === `voucher:${c.id}` ? html`selected` : ''}>🎟 ${c.name}</option>`)}
        ${choices.gifts.map((g) => html`<option value="gift:${g.id}" ${ref === `gift:${g.id}` ? html`selected` : ''}>🎁 ${g.title}</option>`)}
      </select>`,
    )}
    ${cell('amount', input('amount', p?.amount))} ${cell('weight', input('weight', p?.weight))}
    ${cell('stock', input('stock', p?.remaining))}
  </tr>`;
}

/** The wheel editor: prizes with weights, their chances recomputed by htmx while the owner types. */
export function wheelEditor(
  v: PanelView,
  wheel: WheelConfig | null,
  choices: PrizeChoices,
  opts: { typed?: Form; error?: string; saved?: boolean } = {},
): Html {
  const t = v.t;
  const rows = (wheel?.prizes.length ?? 0) + 2;
  const form = opts.typed;
  const editable = v.can('settings');
  return html`${opts.saved ? html`<p class="ok" role="status">${t('panel_pages.wheel.saved')}</p>` : ''}
    ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
    <form
      method="post"
      action="/panel/rewards/wheel"
      class="stack"
      hx-post="/panel/rewards/wheel/odds"
      hx-trigger="load, input delay:200ms, change"
      hx-target="#odds"
      hx-swap="innerHTML"
    >
      ${csrfField(v)}
      <label
        ><input type="checkbox" name="enabled" ${(form ? form.enabled === 'on' : (wheel?.enabled ?? true)) ? html`checked` : ''} />
        ${t('panel_pages.wheel.enabled')}</label
      >
      <div class="fields">
        <div class="field">
          <label for="costCoins">${t('panel_pages.wheel.cost')}</label>
          <input
            id="costCoins"
            name="costCoins"
            inputmode="numeric"
            value="${form ? text(form, 'costCoins') : v.num(wheel?.costCoins ?? 0)}"
          />
        </div>
        <div class="field">
          <label for="perDay">${t('panel_pages.wheel.per_day')}</label>
          <input
            id="perDay"
            name="perDay"
            inputmode="numeric"
            value="${form ? text(form, 'perDay') : wheel?.perDay ? v.num(wheel.perDay) : ''}"
          />
        </div>
      </div>
      ${
        // The wrapping table of a form: its inputs are posted with it (and with the live odds).
        html`<div class="table-wrap">
          <table class="prizes">
            <thead>
              <tr>
                ${['label', 'kind', 'ref', 'amount', 'weight', 'stock'].map((k) => html`<th scope="col">${t(`panel_pages.wheel.${k}`)}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${Array.from({ length: rows }, (_, i) => prizeRow(v, i, wheel?.prizes[i], choices, form))}
            </tbody>
          </table>
        </div>`
      }
      <h3>${t('panel_pages.wheel.odds')}</h3>
      <div id="odds" aria-live="polite"></div>
      ${editable ? html`<button type="submit" class="primary">${t('panel_pages.wheel.save')}</button>` : ''}
    </form>`;
}

/** The first thing wrong with a wheel, in Persian, with the prize row it is on. */
export function wheelIssue(v: PanelView, issues: readonly z.core.$ZodIssue[]): string {
  const issue = issues[0]!;
  const [, text] = [...issuesByField([issue], new Set(), v)][0]!;
  const row = issue.path[0] === 'prizes' && typeof issue.path[1] === 'number' ? issue.path[1] : null;
  return row === null ? text : v.t('panel_pages.wheel.row_issue', { n: v.num(row + 1), text });
}
