import { isDomainError } from '../domain/errors.js';
import type { SurveyService } from '../domain/feedback/survey-service.js';
import type { TicketService } from '../domain/feedback/ticket-service.js';
import type { InboxStore } from '../domain/feedback/types.js';
import type { Member } from '../domain/members/types.js';
import type { ClubScreens } from './club-screens.js';
import { formatNumber } from './format.js';
import type { Locale } from './i18n.js';
import {
  categoryLabel,
  commentScreen,
  inboxScreen,
  myTicketsScreen,
  npsScreen,
  questionScreen,
  supportScreen,
  ticketScreen,
} from './screens/feedback-screens.js';
import type { Screen, ScreenContext } from './screens/types.js';
import type { Action, ActionKind } from './actions.js';

/** What the next typed message of the member answers. */
export type Awaiting =
  | { kind: 'comment'; responseId: string }
  | { kind: 'answer'; responseId: string; questionId: string }
  | { kind: 'ticket'; category: number }
  | { kind: 'reply'; ticketId: string };

/** A screen, and what the member's next text is for (null: nothing; undefined: unchanged). */
export interface FeedbackStep {
  screen: Screen;
  awaiting: Awaiting | null | undefined;
}

const INBOX_SIZE = 10;

/** What a stale button or question may point at that is no longer there. */
const isGone = (err: unknown) =>
  isDomainError(err) && ['survey_not_found', 'ticket_not_found', 'question_not_found', 'not_a_custom_survey'].includes(err.code);

/** The button actions `act` answers. */
export const FEEDBACK_ACTIONS = [
  'survey.rate',
  'survey.nps',
  'survey.noComment',
  'survey.start',
  'survey.answer',
  'ticket.new',
  'ticket.mine',
  'ticket.view',
  'ticket.reply',
  'ticket.close',
] as const satisfies ActionKind[];

/**
 * Surveys, support tickets and the inbox as member screens for any channel: their button actions
 * through `act`, typed answers through `text` with what was awaited.
 */
export class FeedbackChat {
  constructor(private readonly deps: { screens: ClubScreens; surveys: SurveyService; tickets: TicketService; inbox: InboxStore }) {}

  private context(member: Member, locale: Locale): Promise<ScreenContext> {
    return this.deps.screens.context(member.merchantId, locale);
  }

  async support(member: Member, locale: Locale): Promise<FeedbackStep> {
    const [c, categories] = await Promise.all([this.context(member, locale), this.deps.tickets.categories(member.merchantId)]);
    return { screen: supportScreen(categories.items, c), awaiting: null };
  }

  async inbox(member: Member, locale: Locale): Promise<FeedbackStep> {
    const [c, messages] = await Promise.all([this.context(member, locale), this.deps.inbox.list(member.id, INBOX_SIZE)]);
    return { screen: inboxScreen(messages, c), awaiting: null };
  }

  /** A button (or numbered option) of these screens; null when the action is not ours. */
  async act(member: Member, locale: Locale, action: Action): Promise<FeedbackStep | null> {
    const c = await this.context(member, locale);
    const { surveys, tickets } = this.deps;
    const merchantId = member.merchantId;
    try {
      switch (action.kind) {
        case 'survey.rate': {
          const { response, ticket, replayed } = await surveys.rate(merchantId, member.id, action.responseId, action.stars);
          if (replayed) return { screen: { text: c.t('survey.already') }, awaiting: undefined };
          const sorry = ticket ? c.t('survey.sorry', { number: formatNumber(ticket.number, c.locale) }) : undefined;
          if (response.askNps) return { screen: npsScreen(response.id, c, sorry), awaiting: null };
          return { screen: commentScreen(response.id, c, sorry), awaiting: { kind: 'comment', responseId: response.id } };
        }
        case 'survey.nps': {
          const response = await surveys.nps(merchantId, member.id, action.responseId, action.score);
          if (response.completedAt) return { screen: { text: c.t('survey.already') }, awaiting: undefined };
          return { screen: commentScreen(response.id, c), awaiting: { kind: 'comment', responseId: response.id } };
        }
        case 'survey.noComment':
          return await this.finish(member, c, action.responseId, null);
        case 'survey.start': {
          const { survey, response, next } = await surveys.start(merchantId, member.id, action.surveyId);
          if (!next) return { screen: { text: c.t('survey.already') }, awaiting: null };
          return {
            screen: questionScreen(survey, response.id, next, c),
            awaiting: next.kind === 'text' ? { kind: 'answer', responseId: response.id, questionId: next.id } : null,
          };
        }
        case 'survey.answer':
          return await this.answer(member, c, action.responseId, action.questionId, action.value);
        case 'ticket.new':
          return await this.askTicket(member, c, action.category);
        case 'ticket.mine':
          return { screen: myTicketsScreen(await tickets.listMine(merchantId, member.id), c), awaiting: null };
        case 'ticket.view': {
          const { ticket, messages } = await tickets.get(merchantId, action.ticketId);
          if (ticket.memberId !== member.id) return null;
          return { screen: ticketScreen(ticket, messages, c), awaiting: null };
        }
        case 'ticket.reply':
          return await this.askReply(member, c, action.ticketId);
        case 'ticket.close': {
          const ticket = await tickets.close(merchantId, action.ticketId, 'member', member.id);
          return { screen: { text: c.t('support.closed', { number: formatNumber(ticket.number, c.locale) }) }, awaiting: null };
        }
      }
    } catch (err) {
      if (isGone(err)) return null;
      throw err;
    }
    return null;
  }

  /**
   * What was awaited, asked once more after something that was not its answer (a shared phone);
   * null when it is gone (the survey, question or ticket), or closed.
   */
  async askAgain(member: Member, locale: Locale, awaiting: Awaiting): Promise<FeedbackStep | null> {
    const c = await this.context(member, locale);
    try {
      switch (awaiting.kind) {
        case 'comment':
          return { screen: commentScreen(awaiting.responseId, c), awaiting };
        case 'answer': {
          const { survey, question } = await this.deps.surveys.question(
            member.merchantId,
            member.id,
            awaiting.responseId,
            awaiting.questionId,
          );
          return { screen: questionScreen(survey, awaiting.responseId, question, c), awaiting };
        }
        case 'ticket':
          return await this.askTicket(member, c, awaiting.category);
        case 'reply': {
          const step = await this.askReply(member, c, awaiting.ticketId);
          return step?.awaiting ? step : null;
        }
      }
    } catch (err) {
      if (isGone(err)) return null;
      throw err;
    }
  }

  /** A new ticket's text, in one of the club's categories. */
  private async askTicket(member: Member, c: ScreenContext, index: number): Promise<FeedbackStep | null> {
    const { items } = await this.deps.tickets.categories(member.merchantId);
    const category = items[index];
    if (category === undefined) return null;
    return {
      screen: { text: c.t('support.ask_text', { category: categoryLabel(category, c) }) },
      awaiting: { kind: 'ticket', category: index },
    };
  }

  /** The member's reply to their ticket (not to a closed one). */
  private async askReply(member: Member, c: ScreenContext, ticketId: string): Promise<FeedbackStep | null> {
    const { ticket } = await this.deps.tickets.get(member.merchantId, ticketId);
    if (ticket.memberId !== member.id) return null;
    if (ticket.status === 'closed') return { screen: { text: c.t('support.is_closed') }, awaiting: null };
    return {
      screen: { text: c.t('support.ask_reply', { number: formatNumber(ticket.number, c.locale) }) },
      awaiting: { kind: 'reply', ticketId: ticket.id },
    };
  }

  /** The member's typed message for what was awaited (a photo only for tickets). */
  async text(member: Member, locale: Locale, awaiting: Awaiting, text: string, photo: string | null = null): Promise<FeedbackStep> {
    const c = await this.context(member, locale);
    const clean = text.trim();
    if (!clean && !photo) return { screen: { text: c.t('support.empty') }, awaiting };
    switch (awaiting.kind) {
      case 'comment':
        return this.finish(member, c, awaiting.responseId, clean);
      case 'answer':
        return this.answer(member, c, awaiting.responseId, awaiting.questionId, clean);
      case 'ticket': {
        const ticket = await this.deps.tickets.open(member.merchantId, member.id, awaiting.category, clean || c.t('support.photo'), photo);
        return { screen: { text: c.t('support.opened', { number: formatNumber(ticket.number, c.locale) }) }, awaiting: null };
      }
      case 'reply': {
        try {
          const ticket = await this.deps.tickets.memberReply(
            member.merchantId,
            member.id,
            awaiting.ticketId,
            clean || c.t('support.photo'),
            photo,
          );
          return { screen: { text: c.t('support.reply_sent', { number: formatNumber(ticket.number, c.locale) }) }, awaiting: null };
        } catch (err) {
          if (isDomainError(err, 'ticket_closed')) return { screen: { text: c.t('support.is_closed') }, awaiting: null };
          throw err;
        }
      }
    }
  }

  private async finish(member: Member, c: ScreenContext, responseId: string, comment: string | null): Promise<FeedbackStep> {
    const { coins, replayed } = await this.deps.surveys.finish(member.merchantId, member.id, responseId, comment);
    if (replayed) return { screen: { text: c.t('survey.already') }, awaiting: null };
    return {
      screen: { text: coins ? c.t('survey.thanks_coins', { coins: formatNumber(coins, c.locale) }) : c.t('survey.thanks') },
      awaiting: null,
    };
  }

  private async answer(
    member: Member,
    c: ScreenContext,
    responseId: string,
    questionId: string,
    value: string | number,
  ): Promise<FeedbackStep> {
    try {
      const { survey, response, next } = await this.deps.surveys.answer(member.merchantId, member.id, responseId, questionId, value);
      if (!next) return { screen: { text: c.t('survey.done', { title: survey.title }) }, awaiting: null };
      return {
        screen: questionScreen(survey, response.id, next, c),
        awaiting: next.kind === 'text' ? { kind: 'answer', responseId: response.id, questionId: next.id } : null,
      };
    } catch (err) {
      if (isDomainError(err, 'invalid_answer'))
        return { screen: { text: c.t('survey.bad_answer') }, awaiting: { kind: 'answer', responseId, questionId } };
      throw err;
    }
  }
}
