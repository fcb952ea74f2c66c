import type { Clock } from '../domain/clock.js';
import type { CampaignService } from '../domain/campaigns/campaign-service.js';
import type { MemberService } from '../domain/members/member-service.js';
import type { ChatChannelName, Member } from '../domain/members/types.js';
import type { ReferralService } from '../domain/referrals/referral-service.js';
import type { Logger } from '../logger.js';
import type { ClubScreens } from './club-screens.js';
import type { FeedbackChat } from './feedback-chat.js';
import { allTranslations, type Locale } from './i18n.js';
import type { RewardChat } from './reward-chat.js';
import { mainMenuScreen } from './screens/member-screens.js';
import type { Screen, ScreenContext } from './screens/types.js';
import type { ChatSession, Flow } from './session.js';

export type Channel = ChatChannelName;

export interface RouterDeps {
  members: MemberService;
  screens: ClubScreens;
  rewards: RewardChat;
  feedback: FeedbackChat;
  referrals: ReferralService;
  campaigns: CampaignService;
  defaultLocale: Locale;
  logger: Logger;
  clock: Clock;
}

/** Who is talking, on which channel: what the router needs besides the input. */
export interface ChatPeer {
  merchantId: string;
  channel: Channel;
  chatId: string;
  /** The member behind this chat; null before joining. */
  member: Member | null;
  /** Shop staff (admin mode) write in this chat too: they are told how to reach it. */
  staff?: boolean;
  /** The name the messenger shows for the sender, if any. */
  name?: string;
  /** The member's invitation link on this channel. */
  inviteLink(member: Member, c: ScreenContext): string | Promise<string>;
}

/** One input being answered: the screens said so far and the session as it stands. */
export class Turn {
  readonly out: Screen[] = [];
  /** A short answer to the button itself (Telegram shows it over the chat). */
  toast?: string;
  /** The pressed message's buttons are spent (a spin, a rating): channels that can remove them do. */
  spent = false;

  constructor(
    readonly deps: RouterDeps,
    readonly peer: ChatPeer,
    public session: ChatSession,
    public c: ScreenContext,
  ) {}

  get t() {
    return this.c.t;
  }

  get locale(): Locale {
    return this.c.locale;
  }

  get merchantId() {
    return this.peer.merchantId;
  }

  get whatsapp() {
    return this.peer.channel === 'whatsapp';
  }

  /** The member this turn is for (only called once the chat has one). */
  get member(): Member {
    if (!this.peer.member) throw new Error('no member in this chat');
    return this.peer.member;
  }

  show(screen: Screen) {
    this.out.push(screen);
  }

  note(text: string, replace = false) {
    this.out.push({ text, role: 'note', ...(replace ? { replace } : {}) });
  }

  /** The main menu; it ends any question in progress. */
  menu() {
    this.session.flow = undefined;
    this.session.options = undefined;
    this.session.prompt = undefined;
    this.show(mainMenuScreen(this.c));
  }

  /** Asks a question whose typed answer the flow takes. */
  ask(flow: Flow, question: Screen | string) {
    this.session.flow = flow;
    this.session.options = undefined;
    if (typeof question === 'string') this.note(question);
    else this.show(question);
  }

  /** The skip button's label, in either language. */
  isSkip(text: string) {
    return allTranslations('profile_steps.skip').includes(text.trim());
  }

  async switchLocale(locale: Locale) {
    this.session.locale = locale;
    this.c = await this.deps.screens.context(this.merchantId, locale);
  }
}
