import type { Balances, Currency } from '../ledger/types.js';
import type { ChannelName } from '../members/types.js';

export type ReferralTrigger = 'join' | 'first_purchase';
export type Beneficiary = 'referrer' | 'friend';

export interface RewardRequest {
  merchantId: string;
  referrerId: string;
  friendId: string;
  trigger: ReferralTrigger;
  beneficiary: Beneficiary;
  currency: Currency;
  amount: number;
  orderId?: string;
  /** Tehran day (YYYY-MM-DD) the cap counts against. */
  day: string;
  caps?: { perDay?: number; total?: number };
}

export type GrantOutcome =
  | { status: 'granted'; id: string }
  /** Granted before (a retried event): the ledger operation is applied again, idempotently. */
  | { status: 'existing'; id: string; reversed: boolean; currency: Currency; amount: number }
  | { status: 'capped'; cap: 'per_day' | 'total' };

export interface StoredReward {
  id: string;
  beneficiary: Beneficiary;
  referrerId: string;
  friendId: string;
  currency: Currency;
  amount: number;
  status: 'granted' | 'reversed';
}

export interface ReferralFigures {
  friendsJoined: number;
  friendsBought: number;
  rewards: Balances;
  /** Place among this month's referrers (1 = most friends joined), if any friend joined. */
  monthRank: number | null;
}

export interface LeaderboardRow {
  memberId: string;
  firstName: string | null;
  lastName: string | null;
  friends: number;
}

export interface FriendRow {
  memberId: string;
  firstName: string | null;
  lastName: string | null;
  status: string;
  joinedAt: Date | null;
  firstPurchaseAt: Date | null;
  rewards: { trigger: ReferralTrigger; beneficiary: Beneficiary; currency: Currency; amount: number; status: string }[];
}

export interface ReferralStats {
  from: string;
  to: string;
  invitations: number;
  joins: number;
  firstPurchases: number;
  members: number;
  invitationsPerMember: number;
  inviteToJoin: number;
  joinToPurchase: number;
  kFactor: number;
  rewardsPaid: Balances;
  bySource: { source: string | null; invitations: number; joins: number; members: number; kFactor: number }[];
}

export interface ReferralStore {
  recordInvite(merchantId: string, referrerId: string, channel: ChannelName, openerId: string): Promise<void>;
  /** Inserts the reward unless it exists; checks the referrer's caps under a lock on the referrer. */
  grant(request: RewardRequest): Promise<GrantOutcome>;
  /** The first-purchase rewards a friend's order earned, for reversal on a full refund. */
  rewardsForOrder(merchantId: string, friendId: string, orderId: string): Promise<StoredReward[]>;
  markReversed(rewardId: string): Promise<void>;
  figures(merchantId: string, memberId: string, monthFrom: Date, monthTo: Date): Promise<ReferralFigures>;
  leaderboard(merchantId: string, from: Date, to: Date, limit: number): Promise<LeaderboardRow[]>;
  friends(merchantId: string, memberId: string): Promise<FriendRow[]>;
  /** `bySource: false` leaves the per-source split out (empty): the month reports need only the totals. */
  stats(
    merchantId: string,
    from: Date,
    to: Date,
    opts?: { bySource?: boolean },
  ): Promise<
    Omit<ReferralStats, 'from' | 'to' | 'invitationsPerMember' | 'inviteToJoin' | 'joinToPurchase' | 'kFactor' | 'bySource'> & {
      bySource: { source: string | null; invitations: number; joins: number; members: number }[];
    }
  >;
  setReferrer(merchantId: string, memberId: string, referrerId: string): Promise<boolean>;
}
