import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { formatJalaliDateTime } from '../../../lib/jalali.js';
import { toLatinDigits } from '../../../lib/digits.js';
import { BOM, csvLine } from '../csv.js';
import type { PanelDeps } from '../deps.js';
import { html } from '../html.js';
import { panelPage } from '../layout.js';
import { panelView, type PanelView } from '../view.js';

/** Dates in exports: Jalali with Latin digits, so spreadsheets sort them as text correctly. */
const when = (d: Date | null) => (d ? toLatinDigits(formatJalaliDateTime(d, { time: true })).replace('، ', ' ') : '');

export async function exportPages(app: FastifyInstance, deps: PanelDeps) {
  app.get('/exports', async (request, reply) => {
    const v = await panelView(request, deps.screens, deps.locale);
    await deps.panel.require(v.op, 'exports');
    const t = v.t;
    const body = html`<section class="card">
      <p>${t('panel.exports.lead')}</p>
      <ul class="plain downloads">
        <li><a class="button" href="/panel/exports/members.csv" download>${t('panel.exports.members')}</a></li>
        <li><a class="button" href="/panel/exports/ledger.csv" download>${t('panel.exports.ledger')}</a></li>
      </ul>
    </section>`;
    return reply.type('text/html; charset=utf-8').send(panelPage(v, t('panel.nav.exports'), body).value);
  });

  const MEMBER_COLUMNS = [
    'code',
    'phone',
    'first_name',
    'last_name',
    'status',
    'tier',
    'points',
    'coins',
    'credit',
    'purchases',
    'purchase_total',
    'joined',
    'last_purchase',
  ];
  csvExport(
    app,
    deps,
    'members',
    MEMBER_COLUMNS,
    (merchantId) => deps.panel.members(merchantId),
    (m, v) => [
      m.memberCode,
      m.phone,
      m.firstName,
      m.lastName,
      v.t(`panel.members.status.${m.status}`),
      v.tierName(m.tier),
      m.balances.points,
      m.balances.coins,
      m.balances.credit,
      m.purchaseCount,
      m.purchaseTotal,
      when(m.joinedAt),
      when(m.lastPurchaseAt),
    ],
  );
  const LEDGER_COLUMNS = ['id', 'when', 'code', 'phone', 'currency', 'amount', 'balance_after', 'reason', 'actor'];
  csvExport(
    app,
    deps,
    'ledger',
    LEDGER_COLUMNS,
    (merchantId) => deps.panel.ledgerEntries(merchantId),
    (e, v) => [
      e.id,
      when(e.createdAt),
      e.memberCode,
      e.phone,
      v.t(`currency.${e.currency}`),
      e.amount,
      e.balanceAfter,
      e.refType === 'adjustment' ? `${v.t('reason.adjustment')}: ${e.reason}` : v.t(`reason.${e.reason}`, { defaultValue: e.reason }),
      e.actor,
    ],
  );
}

/** GET /panel/exports/<name>.csv: role checked and audited before the first row, then page after page as it is read. */
function csvExport<T>(
  app: FastifyInstance,
  deps: PanelDeps,
  name: 'members' | 'ledger',
  columns: string[],
  source: (merchantId: string) => AsyncIterable<T[]>,
  cells: (row: T, v: PanelView) => (string | number | null)[],
) {
  app.get(`/exports/${name}.csv`, async (request, reply) => {
    const v = await panelView(request, deps.screens, deps.locale);
    await deps.panel.startExport(v.op, name);
    async function* lines() {
      yield BOM + csvLine(columns.map((k) => v.t(`panel.exports.columns.${k}`)));
      for await (const page of source(v.op.merchantId)) yield page.map((row) => csvLine(cells(row, v))).join('');
    }
    const today = toLatinDigits(formatJalaliDateTime(deps.clock.now())).replaceAll('/', '-');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}-${today}.csv"`)
      .send(Readable.from(lines()));
  });
}
