import type { Gift, GiftRequest } from '../../domain/rewards/gift-service.js';
import type { Member } from '../../domain/members/types.js';
import { formatAmount, formatDate, formatNumber } from '../format.js';
import type { Screen, ScreenButton, ScreenContext } from './types.js';

export const GIFT_PAGE_SIZE = 5;
export type CatalogGift = Gift & { affordable: boolean; available: boolean };

const cost = (g: { costCurrency: Gift['costCurrency']; cost: number }, c: ScreenContext) =>
  formatAmount(g.costCurrency, g.cost, c.moneyUnit, c.locale, c.t);

/** One page of the catalog: what each gift costs and whether this member can have it now. */
export function giftCatalogScreen(gifts: CatalogGift[], member: Member, page: number, c: ScreenContext): Screen {
  const mine: ScreenButton[] = [{ label: c.t('gifts.mine'), action: { kind: 'gift.mine' } }];
  if (!gifts.length) return { text: c.t('gifts.empty'), buttons: [mine] };
  const pages = Math.ceil(gifts.length / GIFT_PAGE_SIZE);
  const p = Math.min(Math.max(1, page), pages);
  const shown = gifts.slice((p - 1) * GIFT_PAGE_SIZE, p * GIFT_PAGE_SIZE);
  const b = member.balances;
  const lines = [
    c.t('gifts.title', { club: c.clubName }),
    c.t('gifts.yours', {
      points: formatNumber(b.points, c.locale),
      coins: formatNumber(b.coins, c.locale),
      credit: formatAmount('credit', b.credit, c.moneyUnit, c.locale, c.t),
    }),
    '',
    ...shown.map((g, i) =>
      c.t('gifts.line', {
        n: formatNumber((p - 1) * GIFT_PAGE_SIZE + i + 1, c.locale),
        title: g.title,
        cost: cost(g, c),
        state: !g.available ? c.t('gifts.out') : g.affordable ? '✅' : '🔒',
      }),
    ),
    '',
    c.t('gifts.legend'),
  ];
  if (pages > 1) lines.push(c.t('gifts.page', { page: formatNumber(p, c.locale), pages: formatNumber(pages, c.locale) }));
  const buttons: ScreenButton[][] = shown.map((g, i) => [
    {
      label: `${formatNumber((p - 1) * GIFT_PAGE_SIZE + i + 1, c.locale)}. ${g.title}`,
      action: { kind: 'gift.view', giftId: g.id, page: p },
    },
  ]);
  const nav: ScreenButton[] = [];
  if (p > 1) nav.push({ label: c.t('gifts.prev'), action: { kind: 'gift.page', page: p - 1 } });
  if (p < pages) nav.push({ label: c.t('gifts.next'), action: { kind: 'gift.page', page: p + 1 } });
  if (nav.length) buttons.push(nav);
  buttons.push(mine);
  return { text: lines.join('\n'), buttons };
}

export function giftDetailScreen(g: CatalogGift, page: number, c: ScreenContext): Screen {
  const lines = [`🎁 ${g.title}`];
  if (g.description) lines.push('', g.description);
  lines.push('', c.t('gifts.cost', { cost: cost(g, c) }));
  if (g.stock !== null)
    lines.push(g.stock > 0 ? c.t('gifts.stock', { count: formatNumber(g.stock, c.locale) }) : c.t('gifts.out_of_stock'));
  if (g.available) lines.push(c.t(g.affordable ? 'gifts.afford_yes' : 'gifts.afford_no'));
  const buttons: ScreenButton[][] = [];
  if (g.available && g.affordable) buttons.push([{ label: c.t('gifts.request'), action: { kind: 'gift.ask', giftId: g.id } }]);
  if (g.imageUrl) buttons.push([{ label: c.t('gifts.image'), url: g.imageUrl }]);
  buttons.push([{ label: c.t('gifts.back'), action: { kind: 'gift.page', page } }]);
  return { text: lines.join('\n'), buttons };
}

/** The one question before a gift request spends: its cost, the balance it comes from, yes or cancel. */
export function giftConfirmScreen(g: CatalogGift, balance: number, nonce: string, c: ScreenContext): Screen {
  return {
    text: c.t('gifts.confirm', {
      title: g.title,
      cost: cost(g, c),
      balance: formatAmount(g.costCurrency, balance, c.moneyUnit, c.locale, c.t),
    }),
    buttons: [
      [
        { label: c.t('gifts.yes'), action: { kind: 'gift.request', giftId: g.id, nonce } },
        { label: c.t('vouchers.no'), action: { kind: 'gift.cancel' } },
      ],
    ],
  };
}

export function giftRequestedScreen(r: GiftRequest, c: ScreenContext): Screen {
  return {
    text: c.t('gifts.requested', { title: r.giftTitle, cost: cost(r, c) }),
    buttons: [
      [{ label: c.t('gifts.mine'), action: { kind: 'gift.mine' } }],
      [{ label: c.t('gifts.back'), action: { kind: 'gift.page', page: 1 } }],
    ],
  };
}

export function myGiftRequestsScreen(requests: GiftRequest[], c: ScreenContext): Screen {
  const back: ScreenButton[][] = [[{ label: c.t('gifts.back'), action: { kind: 'gift.page', page: 1 } }]];
  if (!requests.length) return { text: c.t('gifts.mine_empty'), buttons: back };
  const lines = [c.t('gifts.mine_title'), ''];
  for (const r of requests) {
    lines.push(
      c.t('gifts.mine_line', { title: r.giftTitle, status: c.t(`gifts.status.${r.status}`), date: formatDate(r.updatedAt, c.locale) }),
    );
    if (r.status === 'shipped' && r.trackingNote) lines.push(c.t('gifts.tracking', { note: r.trackingNote }));
  }
  return { text: lines.join('\n'), buttons: back };
}
