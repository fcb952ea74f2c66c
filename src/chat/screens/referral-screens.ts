import type { ReferralFigures, LeaderboardRow } from '../../domain/referrals/types.js';
import { maskedName } from '../../domain/referrals/names.js';
import { formatAmount, formatNumber } from '../format.js';
import type { Screen, ScreenContext } from './types.js';

/** The invite screen's figures: friends joined and buying, rewards earned, this month's rank. */
export function referralFiguresText(f: ReferralFigures, c: ScreenContext): string {
  const rewards = (['points', 'coins', 'credit'] as const)
    .filter((cur) => f.rewards[cur] > 0)
    .map((cur) => formatAmount(cur, f.rewards[cur], c.moneyUnit, c.locale, c.t))
    .join('، ');
  return c.t('invite.figures', {
    joined: formatNumber(f.friendsJoined, c.locale),
    bought: formatNumber(f.friendsBought, c.locale),
    rewards: rewards || c.t('invite.no_rewards'),
    rank: f.monthRank ? formatNumber(f.monthRank, c.locale) : c.t('invite.no_rank'),
  });
}

export function leaderboardScreen(rows: LeaderboardRow[], monthLabel: string, c: ScreenContext, you?: number | null): Screen {
  if (!rows.length) return { text: c.t('top.empty') };
  const lines = rows.map((r, i) =>
    c.t('top.line', {
      rank: formatNumber(i + 1, c.locale),
      name: maskedName(r) ?? c.t('referral.someone'),
      friends: formatNumber(r.friends, c.locale),
    }),
  );
  if (you) lines.push('', c.t('top.you', { rank: formatNumber(you, c.locale) }));
  return { text: [c.t('top.title', { month: monthLabel }), '', ...lines].join('\n') };
}

/** "آبان ۱۴۰۵" / "Aban 1405" for a moment in Tehran. */
export function jalaliMonthLabel(moment: Date, locale: 'fa' | 'en'): string {
  // ICU writes "۱۴۰۵ آذر" and "Azar 1405 AP": the month goes first, the year after, nothing else.
  const parts = monthFormats[locale].formatToParts(moment);
  const part = (type: 'month' | 'year') => parts.find((p) => p.type === type)!.value;
  return `${part('month')} ${part('year')}`;
}

const monthFormats = {
  fa: new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: 'Asia/Tehran', month: 'long', year: 'numeric' }),
  en: new Intl.DateTimeFormat('en-US-u-ca-persian', { timeZone: 'Asia/Tehran', month: 'long', year: 'numeric' }),
};
