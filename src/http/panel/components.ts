import { html, type Html, type HtmlValue } from './html.js';

/** A titled card; its heading names the region for screen readers. */
export function section(id: string, title: string, body: HtmlValue): Html {
  return html`<section class="card" aria-labelledby="${id}">
    <h2 id="${id}">${title}</h2>
    ${body}
  </section>`;
}

/** A table that scrolls sideways on a phone instead of widening the page. */
export function table(headers: readonly string[], rows: readonly HtmlValue[]): Html {
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          ${headers.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

/** A plain list, or a muted line when there is nothing to list. */
export function list<T>(items: readonly T[], item: (x: T) => HtmlValue, empty: string): Html {
  return items.length
    ? html`<ul class="plain">
        ${items.map((x) => html`<li>${item(x)}</li>`)}
      </ul>`
    : html`<p class="muted">${empty}</p>`;
}
