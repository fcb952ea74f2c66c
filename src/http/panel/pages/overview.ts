import type { FastifyInstance } from 'fastify';
import { jalaliMonthLabel } from '../../../chat/screens/referral-screens.js';
import type { OverviewMonth } from '../../../domain/admin/panel-service.js';
import { pairBars } from '../charts.js';
import type { PanelDeps } from '../deps.js';
import { html } from '../html.js';
import { panelPage } from '../layout.js';
import { panelView, type PanelView } from '../view.js';

type Metric = { key: string; value: (m: OverviewMonth) => number | null; show: (n: number, v: PanelView) => string };

/** The figures of the overview, in order; each compares this Jalali month so far with the last. */
const METRICS: Metric[] = [
  { key: 'members', value: (m) => m.members, show: (n, v) => v.num(n) },
  { key: 'active_members', value: (m) => m.activeMembers, show: (n, v) => v.num(n) },
  { key: 'purchases', value: (m) => m.purchases, show: (n, v) => v.num(n) },
  { key: 'revenue_influenced', value: (m) => m.revenueInfluenced, show: (n, v) => v.money(n) },
  { key: 'points_issued', value: (m) => m.pointsIssued, show: (n, v) => v.num(n) },
  { key: 'points_redeemed', value: (m) => m.pointsSpent, show: (n, v) => v.num(n) },
  { key: 'k_factor', value: (m) => m.kFactor, show: (n, v) => v.dec(n) },
  { key: 'nps', value: (m) => m.nps, show: (n, v) => v.num(n) },
  { key: 'open_tickets', value: (m) => m.openTickets, show: (n, v) => v.num(n) },
];

function change(now: number, before: number, v: PanelView): string {
  if (before === 0) return now === 0 ? '' : v.t('panel.overview.new');
  const pct = Math.round(((now - before) / Math.abs(before)) * 100);
  return `${pct >= 0 ? '▲' : '▼'} ${v.num(Math.abs(pct))}٪`.replace('٪', v.locale === 'fa' ? '٪' : '%');
}

export async function overviewPage(app: FastifyInstance, deps: PanelDeps) {
  app.get('/overview', async (request, reply) => {
    const v = await panelView(request, deps.screens, deps.locale);
    const { thisMonth, lastMonth } = await deps.panel.overview(v.op);
    const t = v.t;
    const months = { this: jalaliMonthLabel(thisMonth.from, v.locale), last: jalaliMonthLabel(lastMonth.from, v.locale) };
    const dash = t('panel.overview.none');
    const cards = METRICS.map((m) => {
      const now = m.value(thisMonth);
      const before = m.value(lastMonth);
      const label = t(`panel.overview.${m.key}`);
      const nowText = now === null ? dash : m.show(now, v);
      const beforeText = before === null ? dash : m.show(before, v);
      return html`<article class="card metric" data-metric="${m.key}">
        <h2>${label}</h2>
        <p class="value">${nowText}</p>
        <p class="muted">
          ${months.last}: ${beforeText} <span class="change">${now !== null && before !== null ? change(now, before, v) : ''}</span>
        </p>
        ${pairBars([Math.max(0, before ?? 0), Math.max(0, now ?? 0)], {
          rtl: v.locale === 'fa',
          label: `${label} — ${months.last}: ${beforeText}، ${months.this}: ${nowText}`,
        })}
      </article>`;
    });
    const body = html`<p class="lead">${t('panel.overview.lead', { this: months.this, last: months.last })}</p>
      <p class="legend"><span class="key this"></span> ${months.this} <span class="key last"></span> ${months.last}</p>
      <div class="grid">${cards}</div>`;
    return reply.type('text/html; charset=utf-8').send(panelPage(v, t('panel.nav.overview'), body).value);
  });
}
