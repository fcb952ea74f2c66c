import type { ClubEvent } from '../../domain/events/catalog.js';
import type { Currency } from '../../domain/ledger/types.js';
import { formatAmount, formatDate, formatMoney, formatNumber } from '../format.js';
import { balancesLine, reasonLabel } from './member-screens.js';
import { surveyPromptScreen } from './feedback-screens.js';
import { fillName } from './name-placeholder.js';
import type { Screen, ScreenContext } from './types.js';

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
 * news to them (a purchase that earned nothing, a join the bot already answered, with its
 * referral reward).
 */
export function notificationScreen(event: ClubEvent, c: ScreenContext, extras: { inviteLink?: string } = {}): Screen | null {
  switch (event.type) {
    case 'purchase.recorded': {
      const p = event.payload;
      if (!p.entries.length) return null;
      const lines = [
        c.t('notify.purchase', { amount: formatMoney(p.amount, c.moneyUnit, c.locale, c.t) }),
        ...entryLines(p.entries, c),
        balancesLine(p.balances, c),
      ];
      // Right after a good moment is the best time to ask for a referral.
      if (extras.inviteLink) lines.push('', c.t('notify.invite_suggestion', { link: extras.inviteLink }));
      return { text: lines.join('\n') };
    }
    case 'referral.rewarded': {
      const p = event.payload;
      const entry = p.entries[0];
      // A reward the chat's answer to joining said already (before the first profile question).
      if (!entry || p.told_in_chat) return null;
      const reward = formatAmount(entry.currency, entry.amount, c.moneyUnit, c.locale, c.t);
      const name = p.other_name;
      const key = `notify.referral_${p.trigger}_${p.beneficiary}${name ? '' : '_anon'}`;
      return { text: [c.t(key, { name, reward }), balancesLine(p.balances, c)].join('\n') };
    }
    case 'purchase.refunded': {
      const p = event.payload;
      return { text: [c.t('notify.refund'), ...entryLines(p.entries, c), balancesLine(p.balances, c)].join('\n') };
    }
    case 'ledger.changed': {
      const p = event.payload;
      if (!p.entries.length) return null;
      return {
        text: [...entryLines(p.entries, c, p.kind === 'adjustment' ? 'adjustment' : undefined), balancesLine(p.balances, c)].join('\n'),
      };
    }
    case 'tier.changed':
      return {
        text: c.t(event.payload.direction === 'down' ? 'notify.tier_down' : 'notify.tier_up', { tier: c.tierName(event.payload.to) }),
      };
    case 'balance.expiring': {
      const p = event.payload;
      return {
        text: c.t('notify.expiring', {
          amount: formatAmount(p.currency, p.amount, c.moneyUnit, c.locale, c.t),
          currency: c.t(`currency.${p.currency}`),
          date: formatDate(new Date(p.expires_at), c.locale),
        }),
      };
    }
    case 'gift.status_changed': {
      const p = event.payload;
      const title = p.gift_title;
      const note = p.note || null;
      if (p.status === 'approved') return { text: c.t('notify.gift_approved', { title }) };
      if (p.status === 'shipped')
        return { text: [c.t('notify.gift_shipped', { title }), ...(note ? [c.t('notify.gift_tracking', { note })] : [])].join('\n') };
      if (p.status === 'rejected') {
        const lines = [c.t('notify.gift_rejected', { title })];
        if (note) lines.push(c.t('notify.gift_reason', { note }));
        if (p.refunded)
          lines.push(
            c.t('notify.gift_refunded', { amount: formatAmount(p.refunded.currency, p.refunded.amount, c.moneyUnit, c.locale, c.t) }),
          );
        return { text: lines.join('\n') };
      }
      return null;
    }
    case 'automation.message': {
      const p = event.payload;
      const name = p.first_name ?? c.t('campaign.friend');
      const reward = p.reward;
      const rewardText = !reward
        ? ''
        : 'voucher' in reward
          ? c.t('automation.voucher', { code: reward.voucher })
          : formatAmount(reward.currency, reward.amount, c.moneyUnit, c.locale, c.t);
      const custom = p.text ? fillName(p.text, p.first_name ?? null, c.t) : null;
      const key = `automation.${p.kind}${reward ? '_reward' : ''}`;
      const lines = [custom ?? c.t(key, { name, reward: rewardText, days: formatNumber(p.days ?? 0, c.locale) })];
      if (custom && rewardText) lines.push(c.t('automation.reward_line', { reward: rewardText }));
      if (p.balances) lines.push(balancesLine(p.balances, c));
      return { text: lines.join('\n') };
    }
    case 'survey.requested':
      return surveyPromptScreen(event.payload.response_id, event.payload.branch, c);
    case 'ticket.replied': {
      const p = event.payload;
      return {
        text: c.t('support.staff_replied', { number: formatNumber(p.number, c.locale), text: p.text }),
        buttons: [
          [
            { label: c.t('support.reply'), action: { kind: 'ticket.reply', ticketId: p.ticket_id } },
            { label: c.t('support.close'), action: { kind: 'ticket.close', ticketId: p.ticket_id } },
          ],
        ],
      };
    }
    case 'ticket.closed':
      return event.payload.by === 'staff'
        ? { text: c.t('support.closed_by_staff', { number: formatNumber(event.payload.number, c.locale) }) }
        : null;
    case 'raffle.won': {
      const p = event.payload;
      return { text: c.t('notify.raffle_won', { title: p.raffle_title, prize: p.prize, ticket: formatNumber(p.ticket, c.locale) }) };
    }
    case 'raffle.cancelled': {
      const p = event.payload;
      const tickets = formatNumber(p.tickets, c.locale);
      return {
        text: p.refunded_coins
          ? c.t('notify.raffle_cancelled_refund', { title: p.raffle_title, tickets, coins: formatNumber(p.refunded_coins, c.locale) })
          : c.t('notify.raffle_cancelled', { title: p.raffle_title, tickets }),
      };
    }
    default:
      return null;
  }
}
