import type { Raffle } from '../../domain/rewards/raffle-service.js';
import { formatDate, formatNumber } from '../format.js';
import type { Screen, ScreenButton, ScreenContext } from './types.js';

export interface RaffleView {
  raffle: Raffle;
  tickets: number[];
}

const ticketNumbers = (numbers: number[], c: ScreenContext) => {
  const shown = numbers
    .slice(0, 10)
    .map((n) => formatNumber(n, c.locale))
    .join('، ');
  return numbers.length > 10 ? `${shown}، …` : shown;
};

function ruleText(r: Raffle, c: ScreenContext): string {
  const rule = r.entryRule;
  if (rule.kind === 'purchase') return c.t('raffles.rule_purchase');
  if (rule.kind === 'points') return c.t('raffles.rule_points', { per: formatNumber(rule.per, c.locale) });
  return c.t('raffles.rule_coins', { price: formatNumber(rule.price, c.locale) });
}

/** Open raffles with the member's tickets and the published seed hash; recent results below. */
export function rafflesScreen(open: RaffleView[], drawn: RaffleView[], memberId: string, c: ScreenContext): Screen {
  const lines = [c.t('raffles.title', { club: c.clubName }), ''];
  const buttons: ScreenButton[][] = [];
  if (!open.length) lines.push(c.t('raffles.empty'));
  for (const { raffle: r, tickets } of open) {
    lines.push(
      c.t('raffles.item', {
        title: r.title,
        prizes: r.prizes.map((p) => c.t('raffles.prize', { title: p.title, count: formatNumber(p.count, c.locale) })).join('، '),
        rule: ruleText(r, c),
        date: formatDate(r.closesAt, c.locale),
        tickets: tickets.length
          ? c.t('raffles.tickets', { count: formatNumber(tickets.length, c.locale), numbers: ticketNumbers(tickets, c) })
          : c.t('raffles.no_tickets'),
      }),
      c.t('raffles.fair', { hash: r.seedHash.slice(0, 16) }),
      '',
    );
    if (r.entryRule.kind === 'coins')
      buttons.push(
        [1, 5].map((n) => ({
          label: c.t('raffles.buy', { count: formatNumber(n, c.locale), title: r.title }),
          action: { kind: 'raffle.offer', raffleId: r.id, count: n },
        })),
      );
  }
  if (drawn.length) {
    lines.push(c.t('raffles.results'));
    for (const { raffle: r } of drawn) {
      const winners = r.winners?.length
        ? r.winners.map((w) => c.t('raffles.winner', { prize: w.prize, ticket: formatNumber(w.ticket, c.locale) })).join('، ')
        : c.t('raffles.no_winners');
      lines.push(c.t('raffles.result', { title: r.title, date: formatDate(r.drawnAt ?? r.closesAt, c.locale), winners }));
      if (r.winners?.some((w) => w.memberId === memberId)) lines.push(c.t('raffles.you_won'));
      lines.push(c.t('raffles.verify', { id: r.id }));
    }
  }
  return { text: lines.join('\n').trim(), buttons: buttons.length ? buttons : undefined };
}

export function ticketConfirmScreen(r: Raffle, count: number, coins: number, nonce: string, c: ScreenContext): Screen {
  const price = r.entryRule.kind === 'coins' ? r.entryRule.price * count : 0;
  return {
    text: c.t('raffles.confirm', {
      count: formatNumber(count, c.locale),
      title: r.title,
      price: formatNumber(price, c.locale),
      coins: formatNumber(coins, c.locale),
    }),
    buttons: [
      [
        { label: c.t('vouchers.yes'), action: { kind: 'raffle.buy', raffleId: r.id, count, nonce } },
        { label: c.t('vouchers.no'), action: { kind: 'raffle.cancel' } },
      ],
    ],
  };
}

export function ticketsBoughtScreen(r: Raffle, numbers: number[], c: ScreenContext): Screen {
  return { text: c.t('raffles.bought', { title: r.title, numbers: ticketNumbers(numbers, c) }) };
}
