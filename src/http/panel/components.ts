import { Html, html, raw, type HtmlValue } from './html.js';

/** A titled card; its heading names the region for screen readers. */
export function section(id: string, title: string, body: HtmlValue): Html {
  return html`<section class="card" aria-labelledby="${id}">
    <h2 id="${id}">${title}</h2>
    ${body}
  </section>`;
}

/** A table cell with more than its content: a class (`actions`, `pos`), a direction, or as its row's header. */
export interface Cell {
  content: HtmlValue;
  className?: string;
  dir?: 'ltr' | 'rtl';
  rowHeader?: boolean;
}
export type TableRow = readonly (HtmlValue | Cell)[];

const isCell = (c: HtmlValue | Cell): c is Cell => typeof c === 'object' && c !== null && !(c instanceof Html) && !Array.isArray(c);

/**
 * A table of rows of cells, one per header. On a wide screen it is a table (scrolling sideways if it
 * must); on a phone each row is a card and each cell shows its column's name, from `data-label` (see
 * panel.css). A cell with nothing in it is left empty, so the card leaves it out.
 */
export function table(headers: readonly string[], rows: readonly TableRow[]): Html {
  const cell = (c: HtmlValue | Cell, i: number) => {
    const { content, className, dir, rowHeader } = isCell(c) ? c : ({ content: c } as Cell);
    const inner = html`${content}`.value.trim();
    const attrs = html`data-label="${headers[i]}"${className ? html` class="${className}"` : ''}${dir ? html` dir="${dir}"` : ''}`;
    return rowHeader ? html`<th scope="row" ${attrs}>${raw(inner)}</th>` : html`<td ${attrs}>${raw(inner)}</td>`;
  };
  return html`<div class="table-wrap">
    <table class="cards">
      <thead>
        <tr>
          ${headers.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map((row) => {
          if (row.length !== headers.length) throw new Error(`table row of ${row.length} cells under ${headers.length} headers`);
          return html`<tr>
            ${row.map(cell)}
          </tr>`;
        })}
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
