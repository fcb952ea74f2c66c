/** Markup that is already safe: built by `html` (which escapes every value) or marked with `raw`. */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false || value === true) return '';
  return escapeHtml(String(value));
}

/**
 * The panel's templates: a tagged template that escapes every interpolated value (names typed by
 * members, reasons typed by staff) unless it is Html already; arrays are joined, null/false vanish.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Trusted markup (our own SVG, a rendered fragment). Never pass user text here. */
export const raw = (markup: string) => new Html(markup);
