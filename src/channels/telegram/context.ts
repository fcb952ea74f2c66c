import type { Context, SessionFlavor } from 'grammy';
import type { ConversationData, ConversationFlavor, VersionedState } from '@grammyjs/conversations';
import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';
import type { MemberService } from '../../domain/members/member-service.js';
import type { MemberQueries } from '../../domain/members/member-queries.js';
import type { Member } from '../../domain/members/types.js';
import type { ClubScreens } from '../../chat/club-screens.js';
import type { SmsService } from '../../domain/sms/sms-service.js';
import type { ReferralService } from '../../domain/referrals/referral-service.js';
import type { RewardChat } from '../../chat/reward-chat.js';
import type { FeedbackChat } from '../../chat/feedback-chat.js';
import type { ChatSession } from '../../chat/session.js';
import type { TicketService } from '../../domain/feedback/ticket-service.js';
import type { MonthlyReportService } from '../../domain/admin/monthly-report.js';
import type { AdminService } from '../../domain/admin/admin-service.js';
import type { OperatorService } from '../../domain/admin/operator-service.js';
import type { Operator } from '../../domain/admin/permissions.js';
import type { CampaignService } from '../../domain/campaigns/campaign-service.js';
import type { BroadcastService } from '../../domain/campaigns/broadcast-service.js';
import type { Locale, Translate } from '../../chat/i18n.js';
import type { ScreenContext } from '../../chat/screens/types.js';
import type { Clock } from '../../domain/clock.js';
import type { BotChannelName } from '../../domain/merchants/merchant-service.js';

/** Kept in Redis per chat: nothing a replica needs lives in memory. The ChatRouter's session, plus Telegram's own. */
export interface SessionData extends ChatSession {
  /** Admin mode: the ticket the operator's next message replies to. */
  staffReply?: string;
  /** The conversations plugin's state (admin mode halfway through a sale, a return, a broadcast…). */
  conversation?: VersionedState<ConversationData>;
}

/** What the bot for one merchant needs; passed in by the composition root. */
export interface BotDeps {
  merchantId: string;
  /** The messenger this bot is on: Telegram, or Bale (same Bot API); identities and links follow it. */
  channel: BotChannelName;
  members: MemberService;
  memberQueries: MemberQueries;
  screens: ClubScreens;
  referrals: ReferralService;
  rewards: RewardChat;
  feedback: FeedbackChat;
  tickets: TicketService;
  monthlyReport: MonthlyReportService;
  admin: AdminService;
  operators: OperatorService;
  campaigns: CampaignService;
  broadcasts: BroadcastService;
  /** The SMS line: with a provider, the broadcast composer offers SMS and shows its cost. */
  sms?: SmsService;
  /** A one-time sign-in link to the web panel for this operator. */
  panelLink(op: Operator, actor: string): Promise<{ url: string; expiresAt: Date }>;
  /** Pause between wheel animation frames; 0 shows the prize at once. */
  wheelFrameMs: number;
  redis: Redis;
  redisPrefix: string;
  defaultLocale: Locale;
  logger: Logger;
  clock: Clock;
}

interface BotFlavor {
  deps: BotDeps;
  locale: Locale;
  t: Translate;
  /** The member behind this Telegram user, loaded once per update. */
  member(): Promise<Member | null>;
  /** The shop operator behind this Telegram user (admin mode), loaded once per update. */
  operator(): Promise<Operator | null>;
  /** Translated screen context for this member's language. */
  screen(): Promise<ScreenContext>;
}

export type BotContext = ConversationFlavor<Context & SessionFlavor<SessionData> & BotFlavor>;
/** Inside conversations only the plain context exists; data comes through conversation.external. */
export type ConversationContext = Context;
