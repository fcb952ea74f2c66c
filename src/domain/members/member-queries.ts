import type { LedgerEntryView, LedgerQueries } from '../ledger/types.js';
import type { SettingsProvider } from '../merchants/settings.js';
import { systemClock, type Clock } from '../clock.js';
import { tierProgress, type TierProgress } from '../tiers/tiers.js';
import type { MemberService } from './member-service.js';
import type { ChannelIdentity, ChannelName, Member, MemberStore } from './types.js';
import { channelsToTry } from './reach.js';

export interface MemberProfile {
  member: Member;
  progress: TierProgress;
  identities: ChannelIdentity[];
  /** Where an account message goes now, first to last (channelsToTry). */
  reachOrder: ChannelName[];
}

export interface HistoryPage {
  entries: LedgerEntryView[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextBefore?: number;
  /** Pass as `after` for the previous (newer) page; absent on the first page. */
  prevAfter?: number;
}

/** What members and merchants read about a member: profile with tier progress, ledger history. */
export class MemberQueries {
  constructor(
    private readonly members: MemberService,
    private readonly store: MemberStore,
    private readonly ledger: LedgerQueries,
    private readonly settings: SettingsProvider,
    private readonly clock: Clock = systemClock,
    /** The server has an SMS line (SMS_PROVIDER): SMS ends every member's reach order. */
    private readonly smsLine: () => boolean = () => false,
  ) {}

  async profile(merchantId: string, memberId: string): Promise<MemberProfile> {
    const member = await this.members.get(merchantId, memberId);
    const [progress, identities, senders] = await Promise.all([
      this.progress(member),
      this.store.identities(member.id),
      this.store.clubSenders(merchantId),
    ]);
    const withSms = this.smsLine() ? [...senders, 'sms' as const] : senders;
    return { member, progress, identities, reachOrder: channelsToTry({ ...member, identities }, withSms) };
  }

  /** Where a member stands in the tiers (lifetime points need no query: they are on the row). */
  async progress(member: Member): Promise<TierProgress> {
    const { tiers } = await this.settings.get(member.merchantId);
    const qualifying =
      tiers.window === '12m' ? await this.ledger.qualifyingPoints(member.id, 365, this.clock.now()) : member.pointsEarnedTotal;
    return tierProgress(tiers, member.tier, qualifying);
  }

  /** Credit expiring within `days`, for the balance card. */
  async expiringCredit(member: Member, days = 30) {
    return member.balances.credit > 0 ? this.ledger.expiring(member.id, 'credit', days, this.clock.now()) : undefined;
  }

  async history(merchantId: string, memberId: string, page: { before?: number; after?: number; limit: number }): Promise<HistoryPage> {
    await this.members.get(merchantId, memberId);
    const rows = await this.ledger.history(merchantId, memberId, { beforeId: page.before, afterId: page.after, limit: page.limit + 1 });
    const more = rows.length > page.limit;
    const entries = page.after !== undefined ? rows.slice(rows.length > page.limit ? 1 : 0) : rows.slice(0, page.limit);
    const newerExists = page.after !== undefined ? more : page.before !== undefined;
    const olderExists = page.after !== undefined ? true : more;
    return {
      entries,
      nextBefore: olderExists && entries.length ? entries[entries.length - 1]!.id : undefined,
      prevAfter: newerExists && entries.length ? entries[0]!.id : undefined,
    };
  }
}
