import type { Ticket, TicketMessage } from '../../domain/feedback/types.js';
import type { MonthlyReport, MonthFigures } from '../../domain/admin/monthly-report.js';
import { jalaliMonthLabel } from './referral-screens.js';
import { formatDateTime, formatDecimal, formatMoney, formatNumber, formatPhone } from '../format.js';
import { renderBarChart } from '../../lib/bar-chart.js';
import { categoryLabel } from './feedback-screens.js';
import type { Screen, ScreenContext } from './types.js';

const where = (branch: string | null, c: ScreenContext) => (branch ? c.t('admin_support.branch', { branch }) : '');

export function openTicketsScreen(tickets: { ticket: Ticket; name: string }[], c: ScreenContext): Screen {
  if (!tickets.length) return { text: c.t('admin_support.none') };
  return {
    text: [
      c.t('admin_support.title', { n: formatNumber(tickets.length, c.locale) }),
      ...tickets.map(({ ticket: t, name }) =>
        c.t('admin_support.line', {
          number: formatNumber(t.number, c.locale),
          category: categoryLabel(t.category, c),
          branch: where(t.branch, c),
          name,
          status: c.t(`support.status.${t.status}`),
        }),
      ),
    ].join('\n'),
    buttons: tickets.map(({ ticket: t }) => [
      {
        label: `#${formatNumber(t.number, c.locale)} ${categoryLabel(t.category, c)}`,
        action: { kind: 'staffTicket.view', ticketId: t.id },
      },
    ]),
  };
}

export function staffTicketScreen(
  ticket: Ticket,
  messages: TicketMessage[],
  member: { name: string; phone: string },
  c: ScreenContext,
): Screen {
  const lines = [
    c.t('admin_support.view', {
      number: formatNumber(ticket.number, c.locale),
      category: categoryLabel(ticket.category, c),
      branch: where(ticket.branch, c),
      name: member.name,
      phone: formatPhone(member.phone, c.locale),
    }),
  ];
  for (const m of messages.slice(-10)) {
    const text = [m.text, m.photo ? c.t('support.photo') : ''].filter(Boolean).join(' ');
    lines.push(
      c.t(m.author === 'member' ? 'admin_support.from_member' : 'admin_support.from_staff', {
        date: formatDateTime(m.createdAt, c.locale),
        text,
      }),
    );
  }
  return {
    text: lines.join('\n'),
    buttons:
      ticket.status === 'closed'
        ? undefined
        : [
            [
              { label: c.t('admin_support.reply'), action: { kind: 'staffTicket.reply', ticketId: ticket.id } },
              { label: c.t('admin_support.close'), action: { kind: 'staffTicket.close', ticketId: ticket.id } },
            ],
          ],
  };
}

const METRICS = ['new_members', 'active', 'purchases', 'revenue', 'points_issued', 'points_redeemed', 'k_factor'] as const;

function metric(f: MonthFigures, key: (typeof METRICS)[number]): number {
  switch (key) {
    case 'new_members':
      return f.newMembers;
    case 'active':
      return f.buyers;
    case 'purchases':
      return f.purchases;
    case 'revenue':
      return f.revenue;
    case 'points_issued':
      return f.pointsIssued;
    case 'points_redeemed':
      return f.pointsSpent;
    case 'k_factor':
      return f.kFactor;
  }
}

// A day inside the month: its first day at noon, Tehran.
const monthName = (f: MonthFigures, locale: 'fa' | 'en') => jalaliMonthLabel(new Date(f.from.getTime() + 12 * 3_600_000), locale);

/**
 * The owner's month: this Jalali month against the last, each figure with its trend, ratings
 * and NPS per branch, support response times; and the same figures as a bar chart.
 */
export function monthlyReportScreen(r: MonthlyReport, c: ScreenContext): Screen {
  const fmt = (key: (typeof METRICS)[number], v: number) =>
    key === 'revenue'
      ? formatMoney(v, c.moneyUnit, c.locale, c.t)
      : key === 'k_factor'
        ? formatDecimal(v, c.locale)
        : formatNumber(v, c.locale);
  const thisName = monthName(r.thisMonth, c.locale);
  const lastName = monthName(r.lastMonth, c.locale);
  const lines = [c.t('report.title', { club: c.clubName, this: thisName, last: lastName }), ''];
  for (const key of METRICS) {
    const a = metric(r.thisMonth, key);
    const b = metric(r.lastMonth, key);
    lines.push(
      c.t('report.line', {
        label: c.t(`report.${key}`),
        this: fmt(key, a),
        last: fmt(key, b),
        trend: a > b ? c.t('report.up') : a < b ? c.t('report.down') : '',
      }),
    );
  }
  lines.push('', c.t('report.ratings_title'));
  if (!r.branches.length) lines.push(c.t('report.no_ratings'));
  for (const b of r.branches) {
    lines.push(
      c.t('report.branch_line', {
        branch: b.branch ?? c.t('report.no_branch'),
        average: b.averageRating === null ? c.t('report.dash') : formatDecimal(b.averageRating, c.locale),
        n: formatNumber(b.ratings, c.locale),
        nps: b.nps === null ? c.t('report.dash') : formatNumber(b.nps, c.locale),
      }),
    );
  }
  const minutes = (n: number | null) => (n === null ? c.t('report.dash') : c.t('report.minutes', { n: formatNumber(n, c.locale) }));
  lines.push(
    '',
    c.t('report.support_line', {
      opened: formatNumber(r.support.opened, c.locale),
      answered: formatNumber(r.support.answered, c.locale),
      median: minutes(r.support.medianMinutes),
      average: minutes(r.support.averageMinutes),
    }),
  );

  const chartKeys = ['new_members', 'active', 'purchases', 'revenue', 'points_issued'] as const;
  const png = renderBarChart({
    title: c.t('report.chart_title', { this: thisName, last: lastName }),
    legend: [lastName, thisName],
    rtl: c.locale === 'fa',
    groups: chartKeys.map((key) => {
      const values: [number, number] = [metric(r.lastMonth, key), metric(r.thisMonth, key)];
      // Money in millions on the chart: the bars' labels stay short.
      const show = (v: number) => formatDecimal(key === 'revenue' ? Math.round(v / 100_000) / 10 : v, c.locale);
      return {
        label: c.t(key === 'revenue' ? 'report.revenue_chart' : `report.${key}`),
        values,
        texts: [show(values[0]), show(values[1])],
      };
    }),
  });
  return { text: lines.join('\n'), photo: { png, caption: c.t('report.title', { club: c.clubName, this: thisName, last: lastName }) } };
}
