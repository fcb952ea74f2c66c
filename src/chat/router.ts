import { encodeAction, isAction, type Action } from './actions.js';
import { FEEDBACK_ACTIONS } from './feedback-chat.js';
import { isLocale } from './i18n.js';
import type { ChatInput } from './input.js';
import { actionForTyped } from './menu.js';
import type { Screen } from './screens/types.js';
import { unknownScreen } from './screens/member-screens.js';
import type { ChatSession } from './session.js';
import { formatPhone } from './format.js';
import { campaignOf } from './start-payload.js';
import { Turn, type ChatPeer, type RouterDeps } from './turn.js';
import { join } from './flows/join.js';
import { askProfileAgain, profileAnswer } from './flows/profile.js';
import { askReferralCode, referralCodeAnswer } from './flows/referral-code.js';
import { askFeedbackAgain, feedbackAction, feedbackAnswer } from './features/feedback.js';
import { membershipAction, menuItem } from './features/membership.js';
import { rewardAction } from './features/rewards.js';

export type { ChatPeer, RouterDeps } from './turn.js';

/**
 * The member side of the club for every messenger: an input and the chat's session in, the
 * screens to show and the session to keep out. Channels only translate their updates into
 * ChatInput and render the screens; nothing here knows a messenger's API.
 */
export class ChatRouter {
  constructor(private readonly deps: RouterDeps) {}

  async handle<S extends ChatSession>(
    peer: ChatPeer,
    input: ChatInput,
    session: S,
  ): Promise<{ screens: Screen[]; session: S; toast?: string; spent: boolean }> {
    const locale = session.locale ?? (isLocale(peer.member?.locale) ? peer.member.locale : this.deps.defaultLocale);
    const turn = new Turn(this.deps, { ...peer }, { ...session }, await this.deps.screens.context(peer.merchantId, locale));
    try {
      await this.route(turn, input);
    } catch (err) {
      // Whatever broke, the member hears it and gets the menu back: never silence.
      this.deps.logger.error({ err, channel: peer.channel, input: input.kind }, 'chat input failed');
      turn.out.length = 0;
      turn.note(turn.t('error'));
      if (turn.peer.member) turn.menu();
    }
    return { screens: turn.out, session: turn.session as S, toast: turn.toast, spent: turn.spent };
  }

  private async route(turn: Turn, input: ChatInput) {
    const member = turn.peer.member;
    if (!turn.whatsapp && member?.status !== 'active') {
      // Telegram: joining runs from /start to the shared contact; anything else is for members.
      if (input.kind === 'start' || input.kind === 'contact' || turn.session.flow?.kind === 'join') return join(turn, input);
      return turn.note(turn.t(turn.peer.staff ? 'admin.hint' : 'not_member'));
    }
    if (!member) return join(turn, input);
    if (member.status === 'blocked') return turn.note(turn.t('start.blocked'));
    switch (input.kind) {
      case 'start':
        return this.start(turn, input.payload);
      case 'contact':
        return this.contact(turn);
      case 'action':
        return this.action(turn, input.action);
      case 'text':
        return this.text(turn, input.text, null);
      case 'media':
        return this.text(turn, input.caption, input.file);
    }
  }

  /** Opening the chat again (or a campaign's link): a campaign counts the click; "start" after opting out opts back in. */
  private async start(turn: Turn, payload: string | undefined) {
    const campaign = campaignOf(payload);
    if (campaign) await turn.deps.campaigns.recordClick(turn.merchantId, campaign, turn.member.id);
    if (!turn.whatsapp) {
      turn.session.flow = undefined;
      return turn.show({ text: turn.t('start.already_member'), keyboard: { kind: 'main' }, role: 'note' });
    }
    if (campaign) turn.session.flow = undefined;
    else if (turn.member.optedOut) {
      await turn.deps.members.setOptOut(turn.merchantId, turn.member.id, false);
      turn.note(turn.t('whatsapp.opted_in'));
    }
    turn.menu();
  }

  /**
   * A phone shared by a member (the contact button again): it is registered already. A question
   * waiting for typed text (profile, referral code, survey, ticket) is asked again, else the menu.
   */
  private async contact(turn: Turn) {
    turn.note(turn.t('start.phone_known', { phone: formatPhone(turn.member.phone, turn.locale) }));
    const flow = turn.session.flow;
    if (flow?.kind === 'profile') return askProfileAgain(turn, flow);
    if (flow?.kind === 'code') return askReferralCode(turn, flow.tries);
    if (flow?.kind === 'feedback' && (await askFeedbackAgain(turn, flow.awaiting))) return;
    turn.menu();
  }

  /** A button: it leaves any question in progress (a survey's or ticket's own buttons decide for themselves). */
  private async action(turn: Turn, action: Action) {
    if (!isAction(action, ...FEEDBACK_ACTIONS)) turn.session.flow = undefined;
    if ((await membershipAction(turn, action)) || (await rewardAction(turn, action)) || (await feedbackAction(turn, action))) return;
    this.deps.logger.warn({ action: encodeAction(action) }, 'chat action without a handler');
    if (!turn.whatsapp) return; // a stale button: pressing it does nothing
    turn.note(turn.t('whatsapp.hint'));
    turn.menu();
  }

  /** Typed text: the answer to the question in progress, a menu label, or a hint and the menu. */
  private async text(turn: Turn, text: string, photo: string | null) {
    const flow = turn.session.flow;
    turn.session.flow = undefined;
    switch (flow?.kind) {
      case 'profile':
        return profileAnswer(turn, flow, photo ? null : text);
      case 'code':
        return referralCodeAnswer(turn, flow.tries, text);
      case 'feedback':
        return feedbackAnswer(turn, flow.awaiting, text, photo);
    }
    const item = actionForTyped(text);
    if (item) return menuItem(turn, item);
    if (!turn.whatsapp) return turn.show(unknownScreen(turn.c));
    turn.note(turn.t('whatsapp.hint'));
    turn.menu();
  }
}
