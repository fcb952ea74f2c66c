import type { Figures, RaffleCancelOutcome } from '../../domain/admin/admin-service.js';
import type { Operator } from '../../domain/admin/permissions.js';
import type { GiftRequest } from '../../domain/rewards/gift-service.js';
import type { Raffle } from '../../domain/rewards/raffle-service.js';
import type { MemberProfile } from '../../domain/members/member-queries.js';
import type { PurchaseOutcome, RefundOutcome } from '../../domain/purchases/types.js';
import { formatAmount, formatDate, formatDateTime, formatMoney, formatNumber, formatPhone } from '../format.js';
import type { Screen, ScreenButton, ScreenContext } from './types.js';

const money = (n: number, c: ScreenContext) => formatMoney(n, c.moneyUnit, c.locale, c.t);

export function adminHomeScreen(op: Operator, c: ScreenContext): Screen {
  return {
    text: c.t('admin.home', {
      club: c.clubName,
      role: c.t(`admin.role.${op.role}`),
      branch: op.branch ? c.t('admin.branch', { branch: op.branch }) : '',
    }),
    keyboard: { kind: 'admin', role: op.role },
  };
}

export function salePreviewText(d: { member: string; amount: number; category?: string; branch?: string }, c: ScreenContext): string {
  return c.t('admin.sale_preview', {
    member: d.member,
    amount: money(d.amount, c),
    category: d.category ? c.t('admin.category_line', { category: d.category }) : '',
    branch: d.branch ? c.t('admin.branch_line', { branch: d.branch }) : '',
  });
}

export function saleDoneText(out: PurchaseOutcome & { orderId: string }, c: ScreenContext): string {
  if (out.status === 'pending_member') return c.t('admin.sale_pending', { orderId: out.orderId });
  return c.t('admin.sale_done', {
    orderId: out.orderId,
    points: formatNumber(out.awarded.points, c.locale),
    coins: formatNumber(out.awarded.coins, c.locale),
    credit: money(out.awarded.credit, c),
    tier: c.tierName(out.tier),
  });
}

export function returnDoneText(out: RefundOutcome, c: ScreenContext): string {
  return c.t('admin.return_done', {
    amount: money(out.amount, c),
    points: formatNumber(out.reversed.points, c.locale),
    coins: formatNumber(out.reversed.coins, c.locale),
    credit: money(out.reversed.credit, c),
  });
}

/** The member as staff see them: contact, tier, balances, purchases, tags. */
export function memberCardText(p: MemberProfile, c: ScreenContext): string {
  const m = p.member;
  return c.t('admin.card', {
    name: [m.firstName, m.lastName].filter(Boolean).join(' ') || c.t('admin.none'),
    phone: formatPhone(m.phone, c.locale),
    code: m.memberCode,
    tier: c.tierName(m.tier),
    points: formatNumber(m.balances.points, c.locale),
    coins: formatNumber(m.balances.coins, c.locale),
    credit: money(m.balances.credit, c),
    purchases: formatNumber(m.purchaseCount, c.locale),
    total: money(m.purchaseTotal, c),
    last: m.lastPurchaseAt ? formatDate(m.lastPurchaseAt, c.locale) : c.t('admin.none'),
    tags: m.tags.length ? m.tags.join('، ') : c.t('admin.none'),
    status: c.t(`admin.status.${m.status}`),
  });
}

/** A member as staff name them: their name, or their member code. */
export const staffMemberLabel = (m: { firstName: string | null; lastName: string | null; memberCode: string }) =>
  [m.firstName, m.lastName].filter(Boolean).join(' ') || m.memberCode;

/** A gift request card; once shipped or rejected it keeps its text and loses its buttons. */
export function giftRequestScreen(r: GiftRequest, memberLabel: string, c: ScreenContext): Screen {
  const open = r.status === 'requested' || r.status === 'approved';
  const step = (label: string, step: 'approve' | 'ship' | 'reject'): ScreenButton => ({
    label: c.t(label),
    action: { kind: 'giftQueue.step', step, requestId: r.id },
  });
  const buttons = [
    ...(r.status === 'requested' ? [step('admin.approve', 'approve')] : []),
    ...(open ? [step('admin.ship', 'ship'), step('admin.reject', 'reject')] : []),
  ];
  return {
    text: c.t('admin.queue_item', {
      gift: r.giftTitle,
      member: memberLabel,
      cost: formatAmount(r.costCurrency, r.cost, c.moneyUnit, c.locale, c.t),
      date: formatDate(r.createdAt, c.locale),
      status: c.t(`gifts.status.${r.status}`),
    }),
    buttons: buttons.length ? [buttons] : undefined,
  };
}

function figureLines(f: Figures, c: ScreenContext): string {
  const n = (x: number) => formatNumber(x, c.locale);
  return c.t('admin.figures_lines', {
    purchases: n(f.purchases),
    buyers: n(f.buyers),
    revenue: money(f.revenue, c),
    newMembers: n(f.newMembers),
    issued: n(f.pointsIssued),
    spent: n(f.pointsSpent),
    refunds: n(f.refunds),
  });
}

export function figuresText(f: { today: Figures; month: Figures }, monthLabel: string, c: ScreenContext): string {
  return c.t('admin.figures', {
    club: c.clubName,
    today: figureLines(f.today, c),
    month: monthLabel,
    monthFigures: figureLines(f.month, c),
  });
}

/** The club's voucher campaigns as staff see them, each with its pause or resume button. */
export function voucherCampaignsScreen(
  list: { id: string; name: string; active: boolean; issued: number; redeemed: number }[],
  c: ScreenContext,
): Screen {
  if (!list.length) return { text: c.t('admin.vouchers_empty') };
  const n = (x: number) => formatNumber(x, c.locale);
  const lines = list.map((v, i) =>
    c.t('admin.voucher_line', {
      n: n(i + 1),
      name: v.name,
      state: c.t(v.active ? 'admin.voucher_active' : 'admin.voucher_paused'),
      issued: n(v.issued),
      redeemed: n(v.redeemed),
    }),
  );
  return {
    text: [c.t('admin.vouchers_title'), ...lines].join('\n\n'),
    buttons: list.map((v) => [
      {
        label: c.t(v.active ? 'admin.voucher_pause' : 'admin.voucher_resume', { name: v.name }),
        action: { kind: 'voucherAdmin.set', op: v.active ? 'pause' : 'resume', campaignId: v.id },
      },
    ]),
  };
}

/** Open raffles (closing Jalali date-time, tickets so far), each with its cancel button. */
export function openRafflesScreen(list: Raffle[], c: ScreenContext): Screen {
  if (!list.length) return { text: c.t('admin.raffles_empty') };
  const lines = list.map((r, i) =>
    c.t('admin.raffle_line', {
      n: formatNumber(i + 1, c.locale),
      title: r.title,
      closes: formatDateTime(r.closesAt, c.locale),
      tickets: formatNumber(r.ticketCount, c.locale),
    }),
  );
  return {
    text: [c.t('admin.raffles_title'), ...lines].join('\n\n'),
    buttons: list.map((r) => [
      { label: c.t('admin.raffle_cancel', { title: r.title }), action: { kind: 'raffleAdmin.cancel', step: 'ask', raffleId: r.id } },
    ]),
  };
}

/** "Call this raffle off?" with yes and no. */
export function raffleCancelConfirmScreen(r: Raffle, c: ScreenContext): Screen {
  return {
    text: c.t(r.entryRule.kind === 'coins' ? 'admin.raffle_confirm_coins' : 'admin.raffle_confirm', {
      title: r.title,
      tickets: formatNumber(r.ticketCount, c.locale),
    }),
    buttons: [
      [
        { label: c.t('admin.raffle_yes'), action: { kind: 'raffleAdmin.cancel', step: 'yes', raffleId: r.id } },
        { label: c.t('admin.raffle_no'), action: { kind: 'raffleAdmin.cancel', step: 'no', raffleId: r.id } },
      ],
    ],
  };
}

/** What came of a cancellation: tickets refunded (or voided), or the raffle was drawn or cancelled before. */
export function raffleCancelledText(out: RaffleCancelOutcome, c: ScreenContext): string {
  const title = out.raffle.title;
  if (out.outcome !== 'cancelled')
    return c.t(out.outcome === 'drawn' ? 'admin.raffle_already_drawn' : 'admin.raffle_already_cancelled', { title });
  return out.raffle.entryRule.kind === 'coins'
    ? c.t('admin.raffle_cancelled_refund', { title, n: formatNumber(out.refunded, c.locale) })
    : c.t('admin.raffle_cancelled', { title, n: formatNumber(out.raffle.ticketCount, c.locale) });
}
