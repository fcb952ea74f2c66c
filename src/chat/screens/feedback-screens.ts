import type { Survey, SurveyQuestion, Ticket, TicketMessage, InboxMessage } from '../../domain/feedback/types.js';
import { formatDateTime, formatNumber } from '../format.js';
import type { Screen, ScreenButton, ScreenContext } from './types.js';
import type { Action } from '../actions.js';

const stars = (n: number) => '⭐'.repeat(n);

/** A ticket category: a default key, translated, or the merchant's own label. */
export function categoryLabel(category: string, c: ScreenContext): string {
  return c.t(`support.category.${category}`, { defaultValue: category }) as string;
}

/** The post-purchase question, with a button per star count. */
export function surveyPromptScreen(responseId: string, branch: string | null, c: ScreenContext): Screen {
  return {
    text: c.t('survey.ask', { club: c.clubName, branch: branch ? c.t('survey.branch', { branch }) : '' }),
    buttons: [[1, 2, 3, 4, 5].map((n) => ({ label: stars(n), action: { kind: 'survey.rate' as const, responseId, stars: n } }))],
  };
}

function scoreButtons(action: (n: number) => Action, from: number, to: number, c: ScreenContext): ScreenButton[][] {
  const all = Array.from({ length: to - from + 1 }, (_, i) => ({ label: formatNumber(from + i, c.locale), action: action(from + i) }));
  return to - from > 5 ? [all.slice(0, 6), all.slice(6)] : [all];
}

export function npsScreen(responseId: string, c: ScreenContext, before?: string): Screen {
  return {
    text: [before, c.t('survey.ask_nps', { club: c.clubName })].filter(Boolean).join('\n\n'),
    buttons: scoreButtons((score) => ({ kind: 'survey.nps', responseId, score }), 0, 10, c),
  };
}

export function commentScreen(responseId: string, c: ScreenContext, before?: string): Screen {
  return {
    text: [before, c.t('survey.ask_comment')].filter(Boolean).join('\n\n'),
    buttons: [[{ label: c.t('survey.no_comment'), action: { kind: 'survey.noComment', responseId } }]],
  };
}

/** One question of a merchant's survey: buttons for stars, scores and choices; text is typed. */
export function questionScreen(survey: Survey, responseId: string, q: SurveyQuestion, c: ScreenContext): Screen {
  const index = survey.questions.findIndex((x) => x.id === q.id);
  const hint =
    q.kind === 'rating'
      ? c.t('survey.rating_hint')
      : q.kind === 'nps'
        ? c.t('survey.nps_hint')
        : q.kind === 'text'
          ? c.t('survey.text_hint')
          : '';
  const text = [
    c.t('survey.question', {
      title: survey.title,
      n: formatNumber(index + 1, c.locale),
      total: formatNumber(survey.questions.length, c.locale),
      text: q.text,
    }),
    hint,
  ]
    .filter(Boolean)
    .join('\n');
  const answer = (value: number): Action => ({ kind: 'survey.answer', responseId, questionId: q.id, value });
  if (q.kind === 'rating') return { text, buttons: [[1, 2, 3, 4, 5].map((n) => ({ label: stars(n), action: answer(n) }))] };
  if (q.kind === 'nps') return { text, buttons: scoreButtons(answer, 0, 10, c) };
  if (q.kind === 'choice') return { text, buttons: q.options!.map((o, i) => [{ label: o, action: answer(i + 1) }]) };
  return { text };
}

export function supportScreen(categories: string[], c: ScreenContext): Screen {
  return {
    text: c.t('support.title', { club: c.clubName }),
    buttons: [
      ...categories.map((cat, i): ScreenButton[] => [{ label: categoryLabel(cat, c), action: { kind: 'ticket.new', category: i } }]),
      [{ label: c.t('support.mine'), action: { kind: 'ticket.mine' } }],
    ],
  };
}

const statusLabel = (t: Ticket, c: ScreenContext) => c.t(`support.status.${t.status}`);

export function myTicketsScreen(tickets: Ticket[], c: ScreenContext): Screen {
  if (!tickets.length) return { text: c.t('support.none') };
  return {
    text: [
      c.t('support.list_title'),
      ...tickets.map((t) =>
        c.t('support.line', {
          number: formatNumber(t.number, c.locale),
          category: categoryLabel(t.category, c),
          status: statusLabel(t, c),
        }),
      ),
    ].join('\n'),
    buttons: tickets.map((t) => [
      { label: `#${formatNumber(t.number, c.locale)} ${categoryLabel(t.category, c)}`, action: { kind: 'ticket.view', ticketId: t.id } },
    ]),
  };
}

export function ticketScreen(ticket: Ticket, messages: TicketMessage[], c: ScreenContext): Screen {
  const lines = [
    c.t('support.view', {
      number: formatNumber(ticket.number, c.locale),
      category: categoryLabel(ticket.category, c),
      status: statusLabel(ticket, c),
    }),
  ];
  for (const m of messages.slice(-10)) {
    const text = [m.text, m.photo ? c.t('support.photo') : ''].filter(Boolean).join(' ');
    lines.push(
      '',
      c.t(m.author === 'member' ? 'support.from_member' : 'support.from_staff', { date: formatDateTime(m.createdAt, c.locale), text }),
    );
  }
  return { text: lines.join('\n'), buttons: ticket.status === 'closed' ? undefined : ticketButtons(ticket, c) };
}

export function ticketButtons(ticket: Ticket, c: ScreenContext): ScreenButton[][] {
  return [
    [
      { label: c.t('support.reply'), action: { kind: 'ticket.reply', ticketId: ticket.id } },
      { label: c.t('support.close'), action: { kind: 'ticket.close', ticketId: ticket.id } },
    ],
  ];
}

export function inboxScreen(messages: InboxMessage[], c: ScreenContext): Screen {
  if (!messages.length) return { text: c.t('inbox.empty') };
  return {
    text: [
      c.t('inbox.title', { club: c.clubName }),
      ...messages.map((m) => c.t('inbox.line', { date: formatDateTime(m.createdAt, c.locale), text: m.text })),
    ].join('\n\n'),
  };
}
