import type { ChatChannelName, Member } from '../../domain/members/types.js';
import type { TierProgress } from '../../domain/tiers/tiers.js';
import type { HistoryPage } from '../../domain/members/member-queries.js';
import { formatAmount, formatCalendarDate, formatDate, formatNumber, formatPhone, formatSigned, progressBar } from '../format.js';
import type { Screen, ScreenButton, ScreenContext } from './types.js';

export function mainMenuScreen(c: ScreenContext): Screen {
  return { text: c.t('menu.title', { club: c.clubName }), keyboard: { kind: 'main' }, role: 'menu' };
}

export function helpScreen(c: ScreenContext): Screen {
  return { text: c.t('help.text', { club: c.clubName }), keyboard: { kind: 'main' } };
}

export function unknownScreen(c: ScreenContext): Screen {
  return { text: c.t('unknown'), keyboard: { kind: 'main' } };
}

function displayName(m: Member, c: ScreenContext): string {
  return [m.firstName, m.lastName].filter(Boolean).join(' ') || c.t('profile.unknown');
}

export interface BalanceData {
  member: Member;
  progress: TierProgress;
  /** Credit expiring in the next 30 days, and the first date it does. */
  expiring?: { amount: number; firstAt: Date };
}

/** The club card: balances, tier with progress to the next, credit about to expire. */
export function balanceScreen({ member: m, progress, expiring }: BalanceData, c: ScreenContext): Screen {
  const amount = (currency: 'points' | 'coins' | 'credit', n: number) =>
    currency === 'credit' ? formatAmount('credit', n, c.moneyUnit, c.locale, c.t) : formatNumber(n, c.locale);
  const lines = [
    c.t('balance.title', { club: c.clubName }),
    c.t('balance.member', { name: displayName(m, c), code: m.memberCode }),
    '',
    c.t('balance.points', { value: amount('points', m.balances.points) }),
    c.t('balance.coins', { value: amount('coins', m.balances.coins) }),
    c.t('balance.credit', { value: amount('credit', m.balances.credit) }),
    '',
    c.t('balance.tier', { tier: c.tierName(progress.tier) }),
    progress.next
      ? c.t('balance.progress', {
          bar: progressBar(progress.next.percent),
          percent: formatNumber(progress.next.percent, c.locale),
          points: formatNumber(progress.next.pointsToGo, c.locale),
          next: c.tierName(progress.next.tier),
        })
      : c.t('balance.top_tier'),
  ];
  if (expiring && expiring.amount > 0) {
    lines.push(
      '',
      c.t('balance.expiring', {
        amount: formatAmount('credit', expiring.amount, c.moneyUnit, c.locale, c.t),
        date: formatDate(expiring.firstAt, c.locale),
      }),
    );
  }
  const owed = (['points', 'coins', 'credit'] as const).filter((cur) => m.debts[cur] > 0);
  for (const cur of owed) lines.push(c.t('balance.debt', { amount: formatAmount(cur, m.debts[cur], c.moneyUnit, c.locale, c.t) }));
  return { text: lines.join('\n'), keyboard: { kind: 'main' } };
}

export function inviteScreen(
  data: { link: string; referralCode: string; qrPng: Buffer; figures?: string; canEnterCode?: boolean; channel?: ChatChannelName },
  c: ScreenContext,
): Screen {
  const shareText = c.t('invite.share_text', { club: c.clubName });
  // Bale has no share-URL page like Telegram's: its button opens the link itself, and the message is forwarded.
  const shareUrl =
    data.channel === 'whatsapp'
      ? `https://wa.me/?text=${encodeURIComponent(c.t('whatsapp.share_text', { club: c.clubName, link: data.link }))}`
      : data.channel === 'bale'
        ? data.link
        : `https://t.me/share/url?url=${encodeURIComponent(data.link)}&text=${encodeURIComponent(shareText)}`;
  const buttons: ScreenButton[][] = [[{ label: c.t('invite.share'), url: shareUrl }]];
  if (data.canEnterCode) buttons.push([{ label: c.t('invite.have_code'), action: { kind: 'referral.code' } }]);
  const text = c.t('invite.text', { club: c.clubName, link: data.link, code: data.referralCode });
  return {
    text: data.figures ? `${text}\n\n${data.figures}` : text,
    buttons,
    photo: { png: data.qrPng, caption: c.t('invite.qr_caption') },
  };
}

const REASONS = new Set([
  'purchase',
  'cashback',
  'refund',
  'expiry',
  'debt_recovery',
  'import',
  'bonus',
  'referral',
  'wheel',
  'gift',
  'voucher',
  'raffle',
  'campaign',
  'survey',
  'birthday',
]);

export function reasonLabel(reason: string, refType: string | null, c: ScreenContext): string {
  if (refType === 'adjustment') return c.t('reason.adjustment');
  return c.t(`reason.${REASONS.has(reason) ? reason : 'other'}`);
}

/** One page of the ledger; buttons page to older and newer entries. */
export function historyScreen(page: HistoryPage, pageNumber: number, c: ScreenContext): Screen {
  if (!page.entries.length) return { text: c.t('history.empty') };
  const lines = page.entries.map((e) =>
    c.t('history.line', {
      date: formatDate(e.createdAt, c.locale),
      amount: formatSigned(e.amount, c.locale),
      currency: e.currency === 'credit' ? c.t(`currency.${c.moneyUnit}`) : c.t(`currency.${e.currency}`),
      reason: reasonLabel(e.reason, e.refType, c),
    }),
  );
  const nav: ScreenButton[] = [];
  if (page.prevAfter !== undefined)
    nav.push({ label: c.t('history.newer'), action: { kind: 'history.page', dir: 'a', id: page.prevAfter, page: pageNumber - 1 } });
  if (page.nextBefore !== undefined)
    nav.push({ label: c.t('history.older'), action: { kind: 'history.page', dir: 'b', id: page.nextBefore, page: pageNumber + 1 } });
  return {
    text: [c.t('history.title', { page: formatNumber(pageNumber, c.locale) }), '', ...lines].join('\n'),
    buttons: nav.length ? [nav] : undefined,
  };
}

export function profileScreen(m: Member, c: ScreenContext): Screen {
  const unknown = c.t('profile.unknown');
  const lines = [
    c.t('profile.title'),
    '',
    c.t('profile.name', { value: displayName(m, c) }),
    c.t('profile.phone', { value: formatPhone(m.phone, c.locale) }),
    c.t('profile.birth_date', { value: m.birthDate ? formatCalendarDate(m.birthDate, c.locale) : unknown }),
    c.t('profile.gender', { value: m.gender ? c.t(`profile_steps.${m.gender}`) : unknown }),
    c.t('profile.city', { value: m.city ?? unknown }),
    // Codes stay in Latin letters and digits: they are read out and typed at the till.
    c.t('profile.code', { value: m.memberCode }),
    c.t('profile.joined', { value: m.joinedAt ? formatDate(m.joinedAt, c.locale) : unknown }),
  ];
  return { text: lines.join('\n'), buttons: [[{ label: c.t('profile.edit'), action: { kind: 'profile.edit' } }]] };
}

export function languageScreen(c: ScreenContext): Screen {
  return {
    text: c.t('language.choose'),
    buttons: [
      [
        { label: 'فارسی', action: { kind: 'language.set', locale: 'fa' } },
        { label: 'English', action: { kind: 'language.set', locale: 'en' } },
      ],
    ],
  };
}

/** The balances line after a change: "۲۵ امتیاز | ۳ سکه | ۵٬۰۰۰ تومان". */
export function balancesLine(b: { points: number; coins: number; credit: number }, c: ScreenContext): string {
  return c.t('notify.balances', {
    points: formatNumber(b.points, c.locale),
    coins: formatNumber(b.coins, c.locale),
    credit: formatAmount('credit', b.credit, c.moneyUnit, c.locale, c.t),
  });
}
