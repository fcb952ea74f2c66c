import { html, type Html } from './html.js';

/**
 * Two horizontal bars (last month, this month) as inline SVG, scaled to the larger one; they
 * grow from the reading side (right in Persian). The figures themselves are in the card's text,
 * and the label says them for screen readers.
 */
export function pairBars(values: [number, number], opts: { rtl: boolean; label: string }): Html {
  const max = Math.max(values[0], values[1], 1);
  const bar = (v: number, y: number, cls: string) => {
    const w = Math.max(0, (v / max) * 100);
    return html`<rect class="${cls}" x="${opts.rtl ? 100 - w : 0}" y="${y}" width="${w}" height="8" rx="2"></rect>`;
  };
  return html`<svg class="bars" viewBox="0 0 100 20" preserveAspectRatio="none" role="img" aria-label="${opts.label}">
    ${bar(values[0], 1, 'last')}${bar(values[1], 11, 'this')}
  </svg>`;
}
