import { invalid, notFound, unprocessable } from '../errors.js';
import type { SettingsProvider } from '../merchants/settings.js';
import { DEFAULT_TICKET_CATEGORIES } from './settings.js';
import type { SurveyResponse, Ticket, TicketMessage, TicketStore } from './types.js';

const TEXT_MAX = 2000;

function cleanText(text: string): string {
  const t = text.trim();
  if (!t) throw invalid('empty_message', 'The message is empty');
  return t.slice(0, TEXT_MAX);
}

/**
 * Support tickets: a member opens one from the menu (category, text, optional photo), staff
 * reply from admin mode, the member answers back, either side closes. The first staff reply
 * time is the SLA figure.
 */
export class TicketService {
  constructor(private readonly deps: { store: TicketStore; settings: SettingsProvider }) {}

  /** The categories to choose from: the merchant's own labels, or the default keys. */
  async categories(merchantId: string): Promise<{ custom: boolean; items: string[] }> {
    const own = (await this.deps.settings.get(merchantId)).feedback.support.categories;
    return own ? { custom: true, items: own } : { custom: false, items: [...DEFAULT_TICKET_CATEGORIES] };
  }

  async open(merchantId: string, memberId: string, categoryIndex: number, text: string, photo: string | null = null): Promise<Ticket> {
    const { items } = await this.categories(merchantId);
    const category = items[categoryIndex];
    if (category === undefined) throw invalid('invalid_category', 'No such ticket category');
    return this.deps.store.open({
      merchantId,
      memberId,
      category,
      branch: null,
      source: 'member',
      responseId: null,
      text: cleanText(text),
      photo,
    });
  }

  /** A low post-purchase rating: a ticket for the branch, once per survey. */
  async openFromSurvey(r: SurveyResponse, rating: number): Promise<Ticket> {
    const existing = await this.deps.store.byResponse(r.id);
    if (existing) return existing;
    return this.deps.store.open({
      merchantId: r.merchantId,
      memberId: r.memberId,
      category: 'rating',
      branch: r.branch,
      source: 'survey',
      responseId: r.id,
      text: '★'.repeat(rating) + '☆'.repeat(5 - rating),
      photo: null,
      rating,
    });
  }

  byResponse(responseId: string): Promise<Ticket | null> {
    return this.deps.store.byResponse(responseId);
  }

  async get(merchantId: string, id: string): Promise<{ ticket: Ticket; messages: TicketMessage[] }> {
    const ticket = await this.deps.store.get(merchantId, id);
    if (!ticket) throw notFound('ticket_not_found', 'No such ticket', { ticketId: id });
    return { ticket, messages: await this.deps.store.messages(ticket.id) };
  }

  private async mine(merchantId: string, memberId: string, id: string): Promise<Ticket> {
    const ticket = await this.deps.store.get(merchantId, id);
    if (!ticket || ticket.memberId !== memberId) throw notFound('ticket_not_found', 'No such ticket');
    return ticket;
  }

  async memberReply(merchantId: string, memberId: string, id: string, text: string, photo: string | null): Promise<Ticket> {
    const ticket = await this.mine(merchantId, memberId, id);
    if (ticket.status === 'closed') throw unprocessable('ticket_closed', 'This ticket is closed');
    return this.deps.store.addMessage(ticket, { author: 'member', operatorId: null, text: cleanText(text), photo });
  }

  /** Staff answer (admin mode checks the operator may); the member is told in chat. */
  async staffReply(merchantId: string, operatorId: string, id: string, text: string): Promise<Ticket> {
    const { ticket } = await this.get(merchantId, id);
    if (ticket.status === 'closed') throw unprocessable('ticket_closed', 'This ticket is closed');
    return this.deps.store.addMessage(ticket, { author: 'staff', operatorId, text: cleanText(text), photo: null });
  }

  async close(merchantId: string, id: string, by: 'member' | 'staff', memberId?: string): Promise<Ticket> {
    const ticket = memberId ? await this.mine(merchantId, memberId, id) : (await this.get(merchantId, id)).ticket;
    return ticket.status === 'closed' ? ticket : this.deps.store.close(ticket, by);
  }

  /** Open and answered tickets, oldest first; a branch operator sees their branch and branchless ones. */
  listOpen(merchantId: string, branch: string | null, limit = 20): Promise<Ticket[]> {
    return this.deps.store.list(merchantId, { status: ['open', 'answered'], branch, limit });
  }

  listMine(merchantId: string, memberId: string, limit = 10): Promise<Ticket[]> {
    return this.deps.store.list(merchantId, { memberId, limit });
  }

  /** First-response times of the tickets opened between two moments (median and average in minutes). */
  async sla(merchantId: string, from: Date, to: Date) {
    const r = await this.deps.store.firstResponses(merchantId, from, to);
    const sorted = [...r.seconds].sort((a, b) => a - b);
    const median = sorted.length
      ? sorted.length % 2
        ? sorted[(sorted.length - 1) / 2]!
        : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2
      : null;
    const avg = sorted.length ? sorted.reduce((s, x) => s + x, 0) / sorted.length : null;
    return {
      opened: r.opened,
      answered: r.answered,
      medianMinutes: median === null ? null : Math.round(median / 60),
      averageMinutes: avg === null ? null : Math.round(avg / 60),
    };
  }
}
