import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Resvg } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);
const FONT = resolve(require.resolve('vazirmatn/package.json'), '..', 'fonts/ttf/Vazirmatn-Regular.ttf');

export interface BarGroup {
  label: string;
  /** The two bars of the group (e.g. last month, this month) with the text printed on each. */
  values: [number, number];
  texts: [string, string];
}

export interface BarChart {
  title: string;
  legend: [string, string];
  groups: BarGroup[];
  /** Right to left (Persian): the first group on the right. */
  rtl: boolean;
}

export const CHART_WIDTH = 960;
export const CHART_HEIGHT = 540;
const COLORS = ['#9db4d3', '#2f6fb5'] as const;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ENTITIES[c]!);

/**
 * Grouped bars as a PNG (rendered by resvg with the Vazirmatn font, so Persian labels shape
 * correctly). Each group is scaled to its own larger bar: groups measure different things.
 */
export function renderBarChart(chart: BarChart): Buffer {
  const top = 90;
  const bottom = CHART_HEIGHT - 90;
  const left = 40;
  const width = CHART_WIDTH - 80;
  const slot = width / Math.max(1, chart.groups.length);
  const barWidth = Math.min(70, slot / 3);
  const parts: string[] = [
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`,
    `<text x="${CHART_WIDTH / 2}" y="44" font-size="28" text-anchor="middle" fill="#222">${esc(chart.title)}</text>`,
    `<line x1="${left}" y1="${bottom}" x2="${left + width}" y2="${bottom}" stroke="#888" stroke-width="1"/>`,
  ];
  chart.groups.forEach((g, i) => {
    const index = chart.rtl ? chart.groups.length - 1 - i : i;
    const center = left + slot * index + slot / 2;
    const max = Math.max(g.values[0], g.values[1], 1);
    g.values.forEach((v, k) => {
      const h = Math.round(((bottom - top - 30) * Math.max(0, v)) / max);
      // The first bar (last month) on the reading side: right in Persian, left in English.
      const bx = chart.rtl ? (k === 0 ? center + 4 : center - barWidth - 4) : k === 0 ? center - barWidth - 4 : center + 4;
      parts.push(`<rect x="${bx}" y="${bottom - h}" width="${barWidth}" height="${h}" fill="${COLORS[k]}" rx="4"/>`);
      parts.push(
        `<text x="${bx + barWidth / 2}" y="${bottom - h - 8}" font-size="16" text-anchor="middle" fill="#333">${esc(g.texts[k] ?? '')}</text>`,
      );
    });
    parts.push(`<text x="${center}" y="${bottom + 30}" font-size="18" text-anchor="middle" fill="#222">${esc(g.label)}</text>`);
  });
  const legendY = CHART_HEIGHT - 28;
  chart.legend.forEach((name, k) => {
    const x = CHART_WIDTH / 2 + (k === 0 ? 40 : -160) * (chart.rtl ? 1 : -1);
    parts.push(`<rect x="${x}" y="${legendY - 14}" width="18" height="18" fill="${COLORS[k]}" rx="3"/>`);
    parts.push(
      `<text x="${x + (chart.rtl ? -8 : 26)}" y="${legendY}" font-size="17" text-anchor="${chart.rtl ? 'end' : 'start'}" fill="#222">${esc(name)}</text>`,
    );
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" font-family="Vazirmatn" direction="${chart.rtl ? 'rtl' : 'ltr'}">${parts.join('')}</svg>`;
  const resvg = new Resvg(svg, { font: { fontFiles: [FONT], loadSystemFonts: false, defaultFontFamily: 'Vazirmatn' } });
  return resvg.render().asPng();
}
