import type { Balances } from '../ledger/types.js';

export type MemberStatus = 'pending' | 'active' | 'blocked';
export type Gender = 'male' | 'female';
/** Where the club reaches a member; the order is the fallback order for notices. */
export const CHANNELS = ['telegram', 'bale', 'whatsapp', 'sms'] as const;
export type ChannelName = (typeof CHANNELS)[number];
/** The chats a member writes from (SMS has no chat identity: the phone is the address). */
export type ChatChannelName = Exclude<ChannelName, 'sms'>;

export interface Member {
  id: string;
  merchantId: string;
  phone: string;
  memberCode: string;
  referralCode: string;
  firstName: string | null;
  lastName: string | null;
  birthDate: Date | null;
  gender: Gender | null;
  city: string | null;
  sourceTag: string | null;
  referrerId: string | null;
  status: MemberStatus;
  optedOut: boolean;
  locale: string | null;
  /** Chosen in the profile; null: the chat used last. */
  preferredChannel: ChannelName | null;
  tags: string[];
  tier: string;
  balances: Balances;
  debts: Balances;
  pointsEarnedTotal: number;
  purchaseCount: number;
  purchaseTotal: number;
  lastPurchaseAt: Date | null;
  createdAt: Date;
  joinedAt: Date | null;
  /** Joining created the member: the phone was new to the club. */
  joinedNew: boolean;
}

export interface ChannelIdentity {
  channel: ChannelName;
  externalUserId: string;
  chatId: string | null;
  unreachableAt: Date | null;
  /** The member's last message here; null until they write after this was recorded (then `createdAt` counts). */
  lastSeenAt: Date | null;
  createdAt: Date;
}

export interface ProfileUpdate {
  firstName?: string | null;
  lastName?: string | null;
  birthDate?: Date | null;
  gender?: Gender | null;
  city?: string | null;
  locale?: string | null;
  preferredChannel?: ChannelName | null;
}

export interface RegisterInput {
  merchantId: string;
  phone: string;
  channel: ChannelName;
  externalUserId: string;
  chatId?: string;
  locale?: string;
  sourceTag?: string;
  referrerId?: string;
  firstName?: string;
  lastName?: string;
}

export interface RegisterOutcome {
  member: Member;
  /** A purchase had made this phone a pending member; joining claimed it and its balances. */
  claimed: boolean;
  /** The member had already joined (from another channel, or again). */
  alreadyActive: boolean;
}

export interface MemberStore {
  findById(merchantId: string, id: string): Promise<Member | null>;
  findByPhone(merchantId: string, phone: string): Promise<Member | null>;
  findByCode(merchantId: string, memberCode: string): Promise<Member | null>;
  findByReferralCode(merchantId: string, referralCode: string): Promise<Member | null>;
  findByIdentity(merchantId: string, channel: ChannelName, externalUserId: string): Promise<Member | null>;
  /** Returns the member with this phone, creating a pending one if none exists (race-safe). */
  ensurePending(merchantId: string, phone: string, defaultTier: string): Promise<{ member: Member; created: boolean }>;
  /** Creates or activates the member for this phone and links the channel identity, in one transaction. */
  register(input: RegisterInput, defaultTier: string): Promise<RegisterOutcome>;
  updateProfile(merchantId: string, id: string, update: ProfileUpdate): Promise<Member>;
  setTags(merchantId: string, id: string, add: string[], remove: string[]): Promise<Member>;
  setStatus(merchantId: string, id: string, status: MemberStatus): Promise<Member>;
  setOptOut(merchantId: string, id: string, optedOut: boolean): Promise<Member>;
  identities(memberId: string): Promise<ChannelIdentity[]>;
  markUnreachable(merchantId: string, channel: ChannelName, externalUserId: string, unreachable: boolean): Promise<void>;
  /** The channels this club has a sender for (a bot, a number, an SMS line), in the fallback order. */
  clubSenders(merchantId: string): Promise<ChannelName[]>;
  /** The member wrote (or pressed a button) on this channel now. */
  markSeen(merchantId: string, channel: ChannelName, externalUserId: string): Promise<void>;
}
