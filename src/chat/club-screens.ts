import { LRUCache } from 'lru-cache';
import QRCode from 'qrcode';
import type { MerchantService } from '../domain/merchants/merchant-service.js';
import type { SettingsProvider } from '../domain/merchants/settings.js';
import type { MemberQueries } from '../domain/members/member-queries.js';
import type { ReferralService } from '../domain/referrals/referral-service.js';
import { jalaliMonthLabel, leaderboardScreen, referralFiguresText } from './screens/referral-screens.js';
import type { ChatChannelName, Member } from '../domain/members/types.js';
import { translator, type Locale } from './i18n.js';
import type { Screen, ScreenContext } from './screens/types.js';
import { balanceScreen, historyScreen, inviteScreen, profileScreen } from './screens/member-screens.js';
import type { Clock } from '../domain/clock.js';

export const HISTORY_PAGE_SIZE = 10;

/**
 * The member screens with their data, for any channel: the channel decides the locale and
 * (for invitations) the link; this decides what the member sees.
 */
export class ClubScreens {
  private readonly names = new LRUCache<string, string>({ max: 10_000, ttl: 60_000 });

  constructor(
    private readonly deps: {
      merchants: MerchantService;
      settings: SettingsProvider;
      memberQueries: MemberQueries;
      referrals: ReferralService;
      clock: Clock;
    },
  ) {}

  async context(merchantId: string, locale: Locale): Promise<ScreenContext> {
    const t = translator(locale);
    const [settings, clubName] = await Promise.all([this.deps.settings.get(merchantId), this.clubName(merchantId)]);
    return {
      t,
      locale,
      clubName,
      moneyUnit: settings.currency,
      tierName: (key) =>
        settings.tiers.levels.find((l) => l.key === key)?.name?.[locale] ?? (t(`tier.${key}`, { defaultValue: key }) as string),
    };
  }

  private async clubName(merchantId: string): Promise<string> {
    const hit = this.names.get(merchantId);
    if (hit !== undefined) return hit;
    const { name } = await this.deps.merchants.get(merchantId);
    this.names.set(merchantId, name);
    return name;
  }

  /** The club card of a member the channel has just loaded. */
  async balance(member: Member, locale: Locale): Promise<Screen> {
    const [c, progress, expiring] = await Promise.all([
      this.context(member.merchantId, locale),
      this.deps.memberQueries.progress(member),
      this.deps.memberQueries.expiringCredit(member, 30),
    ]);
    return balanceScreen({ member, progress, expiring }, c);
  }

  /** The member's invitation: link (the channel's own), QR, share button and their figures. */
  async invite(merchantId: string, member: Member, locale: Locale, link: string, channel: ChatChannelName = 'telegram'): Promise<Screen> {
    const [c, qrPng, figures, settings] = await Promise.all([
      this.context(merchantId, locale),
      QRCode.toBuffer(link, { type: 'png', width: 512, margin: 2, errorCorrectionLevel: 'M' }),
      this.deps.referrals.figures(merchantId, member.id),
      this.deps.settings.get(merchantId),
    ]);
    const joinedAt = member.joinedAt?.getTime() ?? 0;
    const canEnterCode = !member.referrerId && this.deps.clock.now().getTime() - joinedAt <= settings.referrals.codeEntryDays * 86_400_000;
    return inviteScreen(
      { link, referralCode: member.referralCode, qrPng, figures: referralFiguresText(figures, c), canEnterCode, channel },
      c,
    );
  }

  /** This Jalali month's top inviters, names masked. */
  async leaderboard(merchantId: string, memberId: string | null, locale: Locale): Promise<Screen> {
    const [c, rows, figures] = await Promise.all([
      this.context(merchantId, locale),
      this.deps.referrals.leaderboard(merchantId, 10),
      memberId ? this.deps.referrals.figures(merchantId, memberId) : Promise.resolve(null),
    ]);
    return leaderboardScreen(rows, jalaliMonthLabel(this.deps.clock.now(), locale), c, figures?.monthRank);
  }

  /** `page` carries the cursor: older than `before`, or newer than `after`. */
  async history(
    merchantId: string,
    memberId: string,
    locale: Locale,
    page: { before?: number; after?: number; number: number } = { number: 1 },
  ): Promise<Screen> {
    const [c, rows] = await Promise.all([
      this.context(merchantId, locale),
      this.deps.memberQueries.history(merchantId, memberId, { before: page.before, after: page.after, limit: HISTORY_PAGE_SIZE }),
    ]);
    return historyScreen(rows, Math.max(1, page.number), c);
  }

  async profile(merchantId: string, memberId: string, locale: Locale): Promise<Screen> {
    const [c, profile] = await Promise.all([this.context(merchantId, locale), this.deps.memberQueries.profile(merchantId, memberId)]);
    return profileScreen(profile.member, c);
  }
}
