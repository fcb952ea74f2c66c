import { contentHash } from '../../lib/canonical-hash.js';
import { jalaliMonthRange, parseCalendarDate, tehranDay } from '../../lib/jalali.js';
import { systemClock, type Clock } from '../clock.js';
import { invalid, unprocessable } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { SettingsProvider } from '../merchants/settings.js';
import type { MemberService } from '../members/member-service.js';
import type { ChannelName, Member } from '../members/types.js';
import { maskedName } from './names.js';
import type { Reward } from './settings.js';
import type { Beneficiary, ReferralStats, ReferralStore, ReferralTrigger } from './types.js';

const DAY_MS = 86_400_000;

/** A friend's join reward, paid by the call that tells it; `otherName`: the referrer's masked name. */
export interface JoinReward {
  currency: Reward['currency'];
  amount: number;
  otherName: string | null;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);

/** Why a typed referral code is refused; each has a message for the member (`referral.<code>`). */
export const REFERRAL_CODE_REFUSALS: readonly string[] = [
  'unknown_referral_code',
  'own_referral_code',
  'already_referred',
  'code_entry_closed',
  'circular_referral',
];

/** How far up a referrer's own chain of referrers a code entry looks for the member typing it. */
const CHAIN_DEPTH = 20;

/**
 * Referrals: who invited whom, the rewards each side earns when a friend joins and when the
 * friend first buys, their limits, and the programme's figures (K-factor).
 *
 * A friend counts as new — and earns join rewards — only when joining created the member:
 * a pending member (who bought before joining) or an imported customer was already known to
 * the shop, so neither earns a join reward; both still earn the first-purchase reward if their
 * first purchase comes after they were referred.
 */
export class ReferralService {
  constructor(
    private readonly deps: {
      store: ReferralStore;
      ledger: LedgerService;
      members: MemberService;
      settings: SettingsProvider;
      clock?: Clock;
    },
  ) {}

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  /** Someone opened a member's invitation link; unknown codes are ignored. */
  async recordInvite(merchantId: string, referralCode: string, channel: ChannelName, openerId: string): Promise<void> {
    const referrer = await this.deps.members.findByReferralCode(merchantId, referralCode);
    if (referrer && referrer.status === 'active') await this.deps.store.recordInvite(merchantId, referrer.id, channel, openerId);
  }

  /**
   * A member joined; if a referrer brought them and their phone was new, both sides may earn.
   * `toldInChat`: the caller tells the friend their reward in its own reply (the chat answering
   * the shared phone), so the friend's reward this call pays is marked and no notice repeats it.
   * Returns that reward, or null: none, or paid by another call already (whose notice tells it).
   */
  async onJoined(
    merchantId: string,
    friendId: string,
    referrerId: string | null,
    newPhone: boolean,
    opts: { toldInChat?: boolean } = {},
  ): Promise<JoinReward | null> {
    if (!referrerId || !newPhone) return null;
    return this.rewardTrigger(merchantId, 'join', referrerId, friendId, undefined, opts.toldInChat);
  }

  /**
   * A purchase was recorded: the friend's first one rewards the referrer (and the friend).
   * `referrerId` is the friend's referrer when the purchase was made, not now.
   */
  async onPurchase(
    merchantId: string,
    friendId: string,
    referrerId: string | null,
    orderId: string,
    amount: number,
    purchaseCount: number,
  ): Promise<void> {
    if (purchaseCount !== 1 || !referrerId) return;
    const { referrals } = await this.deps.settings.get(merchantId);
    if (amount < referrals.onFirstPurchase.minAmount) return;
    await this.rewardTrigger(merchantId, 'first_purchase', referrerId, friendId, orderId);
  }

  /** A full refund of the friend's first purchase takes its referral rewards back. */
  async onRefund(merchantId: string, friendId: string, orderId: string, full: boolean): Promise<void> {
    if (!full) return;
    for (const reward of await this.deps.store.rewardsForOrder(merchantId, friendId, orderId)) {
      if (reward.status === 'reversed') continue;
      await this.deps.ledger.apply({
        merchantId,
        memberId: reward.beneficiary === 'referrer' ? reward.referrerId : reward.friendId,
        idempotencyKey: `referral-reversal:${reward.id}`,
        requestHash: contentHash({ reverse: reward.id }),
        kind: 'referral_reversal',
        actor: 'system',
        // Referral rewards never count toward tiers (paid with countsForTier: false), so taking one
        // back must not count against the tier either: the referrer keeps the progress purchases made.
        lines: [
          {
            mode: 'reverse',
            currency: reward.currency,
            amount: reward.amount,
            reason: 'referral',
            refType: 'referral_reversal',
            refId: reward.id,
            countsForTier: false,
          },
        ],
      });
      await this.deps.store.markReversed(reward.id);
    }
  }

  /** Pays the trigger's rewards; returns the friend's when this call paid it and the caller tells it (`toldInChat`). */
  private async rewardTrigger(
    merchantId: string,
    trigger: ReferralTrigger,
    referrerId: string,
    friendId: string,
    orderId?: string,
    toldInChat = false,
  ): Promise<JoinReward | null> {
    const { referrals } = await this.deps.settings.get(merchantId);
    if (!referrals.enabled) return null;
    let told: JoinReward | null = null;
    const rule = trigger === 'join' ? referrals.onJoin : referrals.onFirstPurchase;
    const day = tehranDay(this.clock.now());
    for (const beneficiary of ['referrer', 'friend'] as const) {
      const reward = rule[beneficiary];
      if (!reward) continue;
      const outcome = await this.deps.store.grant({
        merchantId,
        referrerId,
        friendId,
        trigger,
        beneficiary,
        currency: reward.currency,
        amount: reward.amount,
        orderId,
        day,
        caps:
          beneficiary === 'referrer'
            ? { perDay: referrals.limits.referrerRewardsPerDay, total: referrals.limits.referrerRewardsTotal }
            : undefined,
      });
      if (outcome.status === 'capped' || (outcome.status === 'existing' && outcome.reversed)) continue;
      const granted = outcome.status === 'existing' ? { ...reward, currency: outcome.currency, amount: outcome.amount } : reward;
      const tell = toldInChat && beneficiary === 'friend';
      const paid = await this.pay(merchantId, outcome.id, beneficiary === 'referrer' ? referrerId : friendId, granted, {
        trigger,
        beneficiary,
        referrerId,
        friendId,
        toldInChat: tell,
      });
      if (tell && paid) told = { currency: granted.currency, amount: granted.amount, otherName: paid.otherName };
    }
    return told;
  }

  private async pay(
    merchantId: string,
    rewardId: string,
    memberId: string,
    reward: Reward,
    about: { trigger: ReferralTrigger; beneficiary: Beneficiary; referrerId: string; friendId: string; toldInChat?: boolean },
  ): Promise<{ otherName: string | null } | null> {
    const other = await this.deps.members.get(merchantId, about.beneficiary === 'referrer' ? about.friendId : about.referrerId);
    const otherName = maskedName(other);
    const expiresAt = reward.expiresInDays
      ? new Date(this.clock.now().getTime() + reward.expiresInDays * DAY_MS)
      : reward.currency === 'coins'
        ? null
        : undefined;
    const { replayed } = await this.deps.ledger.apply({
      merchantId,
      memberId,
      idempotencyKey: `referral:${rewardId}`,
      requestHash: contentHash({ reward: rewardId }),
      kind: 'referral',
      actor: 'system',
      lines: [
        {
          mode: 'earn',
          currency: reward.currency,
          amount: reward.amount,
          reason: 'referral',
          refType: 'referral',
          refId: rewardId,
          countsForTier: false,
          expiresAt:
            expiresAt === undefined ? await this.deps.ledger.defaultExpiry(merchantId, reward.currency, this.clock.now()) : expiresAt,
        },
      ],
      eventType: 'referral.rewarded',
      event: {
        trigger: about.trigger,
        beneficiary: about.beneficiary,
        other_name: otherName,
        ...(about.toldInChat ? { told_in_chat: true } : {}),
      },
    });
    // A replay wrote nothing: the call that paid it wrote the event (and its notice tells).
    return replayed ? null : { otherName };
  }

  /** A member who joined without a link types a friend's code (within the allowed days). */
  async enterCode(
    merchantId: string,
    member: Member,
    code: string,
    channel: ChannelName,
    externalUserId: string,
  ): Promise<{ referrer: Member }> {
    const { referrals } = await this.deps.settings.get(merchantId);
    const referrer = await this.deps.members.findByReferralCode(merchantId, code);
    if (!referrer || referrer.status !== 'active') throw invalid('unknown_referral_code', 'No member of this club has that referral code');
    if (referrer.id === member.id) throw invalid('own_referral_code', 'That is your own code');
    if (member.referrerId) throw unprocessable('already_referred', 'A referrer is already recorded for this member');
    const joined = member.joinedAt?.getTime() ?? 0;
    if (this.clock.now().getTime() - joined > referrals.codeEntryDays * DAY_MS)
      throw unprocessable('code_entry_closed', `Codes can be entered within ${referrals.codeEntryDays} days of joining`);
    if (await this.deps.members.sharesIdentity(referrer.id, channel, externalUserId))
      throw invalid('own_referral_code', 'That is your own code');
    // Friends naming each other (or a longer ring) would pay each side twice for one friendship.
    let up: Member | null = referrer;
    for (let depth = 0; up?.referrerId && depth < CHAIN_DEPTH; depth++) {
      if (up.referrerId === member.id)
        throw unprocessable(
          'circular_referral',
          'This member joined through you (directly or down the line), so they cannot be your referrer',
        );
      up = await this.deps.members.get(merchantId, up.referrerId);
    }
    if (!(await this.deps.store.setReferrer(merchantId, member.id, referrer.id)))
      throw unprocessable('already_referred', 'A referrer is already recorded for this member');
    // A code passed on by hand is an invitation too: the stats' invite-to-join stays a true share.
    await this.deps.store.recordInvite(merchantId, referrer.id, channel, externalUserId);
    await this.onJoined(merchantId, member.id, referrer.id, member.joinedNew);
    return { referrer };
  }

  figures(merchantId: string, memberId: string) {
    const month = jalaliMonthRange(this.clock.now());
    return this.deps.store.figures(merchantId, memberId, month.from, month.to);
  }

  /** This Jalali month's top referrers by friends joined. */
  leaderboard(merchantId: string, limit = 10) {
    const month = jalaliMonthRange(this.clock.now());
    return this.deps.store.leaderboard(merchantId, month.from, month.to, limit);
  }

  friends(merchantId: string, memberId: string) {
    return this.deps.store.friends(merchantId, memberId);
  }

  /**
   * The programme over a period (days in Tehran, Jalali or Gregorian; default the last 30):
   * K-factor = invitations per member × conversion of invitation to join.
   */
  async stats(merchantId: string, range: { from?: string; to?: string } = {}, opts: { bySource?: boolean } = {}): Promise<ReferralStats> {
    const toDay = range.to ? parseCalendarDate(range.to) : new Date(`${tehranDay(this.clock.now())}T00:00:00Z`);
    const fromDay = range.from ? parseCalendarDate(range.from) : toDay && new Date(toDay.getTime() - 29 * DAY_MS);
    if (!fromDay || !toDay) throw invalid('invalid_date', 'from and to are dates like 1405/01/01 or 2026-03-21');
    if (fromDay > toDay) throw invalid('invalid_range', 'from is after to');
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    const from = new Date(`${iso(fromDay)}T00:00:00+03:30`);
    const to = new Date(new Date(`${iso(toDay)}T00:00:00+03:30`).getTime() + DAY_MS);
    const s = await this.deps.store.stats(merchantId, from, to, opts);
    const invitationsPerMember = ratio(s.invitations, s.members);
    const inviteToJoin = ratio(s.joins, s.invitations);
    return {
      from: iso(fromDay),
      to: iso(toDay),
      ...s,
      invitationsPerMember,
      inviteToJoin,
      joinToPurchase: ratio(s.firstPurchases, s.joins),
      kFactor: Math.round(invitationsPerMember * inviteToJoin * 10_000) / 10_000,
      bySource: s.bySource.map((b) => ({
        ...b,
        kFactor: Math.round(ratio(b.invitations, b.members) * ratio(b.joins, b.invitations) * 10_000) / 10_000,
      })),
    };
  }
}
