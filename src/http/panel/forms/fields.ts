import { html, type Html } from '../html.js';
import { parseDecimal, parseWhole } from '../page-kit.js';
import type { PanelView } from '../view.js';

export type FieldKind = 'int' | 'decimal' | 'bool' | 'text' | 'textarea' | 'select' | 'json';

/** One input of a settings form: `name` is its dotted path inside the section's object. */
export interface Field {
  name: string;
  kind: FieldKind;
  /** Locale key of the label. */
  label: string;
  options?: readonly { value: string; label: string }[];
  /** When this field is empty, the object at this path is left out (a referral side without an amount). */
  dropsWhenEmpty?: string;
  /** The row a repeated field belongs to (tier levels): its label says which, for screen readers. */
  row?: number;
  /** Locale key of a line under the label (what an empty value means, an example). */
  hint?: string;
  hintArgs?: Record<string, string>;
  /** Typed left to right (a web address, a code). */
  ltr?: boolean;
}

type Tree = Record<string, unknown>;

const segments = (path: string) => path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));

export function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const s of segments(path)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

export function setPath(obj: Tree, path: string, value: unknown): void {
  const parts = segments(path);
  let cur: Record<string | number, unknown> = obj;
  parts.slice(0, -1).forEach((s, i) => {
    if (cur[s] === null || typeof cur[s] !== 'object') cur[s] = typeof parts[i + 1] === 'number' ? [] : {};
    cur = cur[s] as Record<string | number, unknown>;
  });
  cur[parts.at(-1)!] = value;
}

export function deletePath(obj: Tree, path: string): void {
  const parts = segments(path);
  const parent = getPath(obj, parts.slice(0, -1).join('.'));
  if (parent && typeof parent === 'object') delete (parent as Record<string | number, unknown>)[parts.at(-1)!];
}

/**
 * Overlays what the form says on the section's current value: numbers read in any digits (a text
 * that is no number stays text, so the schema names the field), empty inputs leave their key out,
 * JSON areas replace their subtree. The result goes to the API's own schema.
 */
export function applyForm(current: unknown, fields: readonly Field[], form: Record<string, string>): { value: Tree; badJson: string[] } {
  const value = structuredClone((current ?? {}) as Tree);
  const badJson: string[] = [];
  const drops: string[] = [];
  for (const f of fields) {
    const raw = form[f.name] ?? '';
    const text = raw.trim();
    if (f.kind === 'bool') {
      setPath(value, f.name, raw === 'on' || raw === 'true');
      continue;
    }
    if (!text) {
      deletePath(value, f.name);
      if (f.dropsWhenEmpty) drops.push(f.dropsWhenEmpty);
      continue;
    }
    if (f.kind === 'int') setPath(value, f.name, parseWhole(text) ?? text);
    else if (f.kind === 'decimal') setPath(value, f.name, parseDecimal(text) ?? text);
    else if (f.kind === 'json') {
      try {
        setPath(value, f.name, JSON.parse(text));
      } catch {
        badJson.push(f.name);
      }
    } else setPath(value, f.name, text);
  }
  for (const d of drops) deletePath(value, d);
  return { value, badJson };
}

/** What an input shows: the text the operator typed (after an error), or the stored value in the locale's digits. */
export function shownValue(f: Field, stored: unknown, typed: Record<string, string> | undefined, v: PanelView): string {
  if (typed) return typed[f.name] ?? '';
  if (stored === undefined || stored === null) return '';
  if (f.kind === 'json') return JSON.stringify(stored, null, 2);
  if (typeof stored === 'number') return f.kind === 'int' ? v.num(stored) : v.dec(stored);
  return String(stored);
}

/** A labelled input with its error next to it (aria-describedby ties them for screen readers). */
export function fieldInput(f: Field, id: string, value: string, checked: boolean, error: string | undefined, v: PanelView): Html {
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [f.hint ? hintId : '', error ? errId : ''].filter(Boolean).join(' ');
  const described = html`${error ? html` aria-invalid="true"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}`;
  const hint = f.hint ? html`<span class="muted" id="${hintId}">${v.t(f.hint, f.hintArgs)}</span>` : '';
  const label = f.row === undefined ? v.t(f.label) : `${v.t(f.label)} ${v.num(f.row)}`;
  const errorLine = error ? html`<span class="error field-error" id="${errId}">${error}</span>` : '';
  if (f.kind === 'bool')
    return html`<div class="field check">
      <label><input type="checkbox" id="${id}" name="${f.name}" ${checked ? html`checked` : ''}${described} /> ${label}</label
      >${hint}${errorLine}
    </div>`;
  let input: Html;
  if (f.kind === 'select')
    input = html`<select id="${id}" name="${f.name}" ${described}>
      ${(f.options ?? []).map((o) => html`<option value="${o.value}" ${o.value === value ? html`selected` : ''}>${o.label}</option>`)}
    </select>`;
  else if (f.kind === 'json' || f.kind === 'textarea')
    input = html`<textarea
      id="${id}"
      name="${f.name}"
      rows="${f.kind === 'json' ? 5 : 3}"
      ${f.kind === 'json' ? html`dir="ltr"` : ''}${described}
    >
${value}</textarea>`;
  else
    input = html`<input
      id="${id}"
      name="${f.name}"
      value="${value}"
      autocomplete="off"
      ${f.kind === 'int' || f.kind === 'decimal' ? html`inputmode="${f.kind === 'int' ? 'numeric' : 'decimal'}"` : ''}${f.ltr ? html` dir="ltr"` : ''}${described}
    />`;
  return html`<div class="field"><label for="${id}">${label}</label>${hint}${input}${errorLine}</div>`;
}
