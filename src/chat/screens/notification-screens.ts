import type { Currency } from '../../domain/ledger/types.js';
import { formatAmount, formatDate, formatMoney, formatNumber } from '../format.js';
import { balancesLine, reasonLabel } from './member-screens.js';
import { surveyPromptScreen } from './feedback-screens.js';
import { fillName } from './name-placeholder.js';
import type { Screen, ScreenContext } from './types.js';

export interface EventForMember {
  type: string;
  payload: Record<string, unknown>;
}

interface Entry {
  currency: Currency;
  amount: number;
  reason: string;
}

function entryLines(entries: Entry[], c: ScreenContext, refType?: string): string[] {
  return entries.map((e) =>
    c.t(e.amount >= 0 ? 'notify.earned' : 'notify.spent', {
      amount: formatNumber(Math.abs(e.amount), c.locale),
      currency: e.currency === 'credit' ? c.t(`currency.${c.moneyUnit}`) : c.t(`currency.${e.currency}`),
      reason: reasonLabel(e.reason, refType ?? null, c),
    }),
  );
}

/**
 * What a member is told when something happens to their account; null when the event is not
 * news to them (a purchase that earned nothing, a join the bot already answered).
 */
export function notificationScreen(event: EventForMember, c: ScreenContext, extras: { inviteLink?: string } = {}): Screen | null {
  const p = event.payload;
  const balances = p.balances as { points: number; coins: number; credit: number } | undefined;
  const entries = (p.entries as Entry[] | undefined) ?? [];
  switch (event.type) {
    case 'purchase.recorded': {
      if (!entries.length || !balances) return null;
      const lines = [c.t('notify.purchase', { amount: formatMoney(Number(p.amount), c.moneyUnit, c.locale, c.t) }), ...entryLines(entries, c), balancesLine(balances, c)];
      // Right after a good moment is the best time to ask for a referral.
      if (extras.inviteLink) lines.push('', c.t('notify.invite_suggestion', { link: extras.inviteLink }));
      return { text: lines.join('\n') };
    }
    case 'referral.rewarded': {
      const entry = entries[0];
      if (!entry || !balances) return null;
      const reward = formatAmount(entry.currency, entry.amount, c.moneyUnit, c.locale, c.t);
      const name = p.other_name as string | null;
      const key = `notify.referral_${String(p.trigger)}_${String(p.beneficiary)}${name ? '' : '_anon'}`;
      return { text: [c.t(key, { name, reward }), balancesLine(balances, c)].join('\n') };
    }
    case 'purchase.refunded': {
      if (!balances) return null;
      return { text: [c.t('notify.refund'), ...entryLines(entries, c), balancesLine(balances, c)].join('\n') };
    }
    case 'ledger.changed': {
      if (!entries.length || !balances) return null;
      const refType = p.kind === 'earn' || p.kind === 'spend' ? undefined : String(p.kind);
      return { text: [...entryLines(entries, c, refType === 'adjustment' ? 'adjustment' : undefined), balancesLine(balances, c)].join('\n') };
    }
    case 'tier.changed':
      return { text: c.t(p.direction === 'down' ? 'notify.tier_down' : 'notify.tier_up', { tier: c.tierName(String(p.to)) }) };
    case 'balance.expiring': {
      const currency = p.currency as Currency;
      return {
        text: c.t('notify.expiring', {
          amount: formatAmount(currency, Number(p.amount), c.moneyUnit, c.locale, c.t),
          currency: c.t(`currency.${currency}`),
          date: formatDate(new Date(String(p.expires_at)), c.locale),
        }),
      };
    }
    case 'gift.status_changed': {
      const title = String(p.gift_title);
      const note = p.note ? String(p.note) : null;
      const refunded = p.refunded as { currency: Currency; amount: number } | null;
      if (p.status === 'approved') return { text: c.t('notify.gift_approved', { title }) };
      if (p.status === 'shipped') return { text: [c.t('notify.gift_shipped', { title }), ...(note ? [c.t('notify.gift_tracking', { note })] : [])].join('\n') };
      if (p.status === 'rejected') {
        const lines = [c.t('notify.gift_rejected', { title })];
        if (note) lines.push(c.t('notify.gift_reason', { note }));
        if (refunded) lines.push(c.t('notify.gift_refunded', { amount: formatAmount(refunded.currency, refunded.amount, c.moneyUnit, c.locale, c.t) }));
        if (balances) lines.push(balancesLine(balances, c));
        return { text: lines.join('\n') };
      }
      return null;
    }
    case 'automation.message': {
      const name = (p.first_name as string | null) ?? c.t('campaign.friend');
      const reward = p.reward as { currency?: Currency; amount?: number; voucher?: string } | null;
      const rewardText = reward?.voucher ? c.t('automation.voucher', { code: reward.voucher }) : reward?.currency ? formatAmount(reward.currency, reward.amount!, c.moneyUnit, c.locale, c.t) : '';
      const custom = p.text ? fillName(String(p.text), p.first_name as string | null, c.t) : null;
      const key = `automation.${String(p.kind)}${reward ? '_reward' : ''}`;
      const lines = [custom ?? c.t(key, { name, reward: rewardText, days: formatNumber(Number(p.days ?? 0), c.locale) })];
      if (custom && rewardText) lines.push(c.t('automation.reward_line', { reward: rewardText }));
      if (balances) lines.push(balancesLine(balances, c));
      return { text: lines.join('\n') };
    }
    case 'survey.requested':
      return surveyPromptScreen(String(p.response_id), (p.branch as string | null) ?? null, c);
    case 'ticket.replied': {
      const ticketId = String(p.ticket_id);
      return {
        text: c.t('support.staff_replied', { number: formatNumber(Number(p.number), c.locale), text: String(p.text) }),
        buttons: [[{ label: c.t('support.reply'), action: { kind: 'ticket.reply', ticketId } }, { label: c.t('support.close'), action: { kind: 'ticket.close', ticketId } }]],
      };
    }
    case 'ticket.closed':
      return p.by === 'staff' ? { text: c.t('support.closed_by_staff', { number: formatNumber(Number(p.number), c.locale) }) } : null;
    case 'raffle.won':
      return { text: c.t('notify.raffle_won', { title: String(p.raffle_title), prize: String(p.prize), ticket: formatNumber(Number(p.ticket), c.locale) }) };
    default:
      return null;
  }
}
