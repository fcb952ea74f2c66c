export type QuestionKind = 'rating' | 'choice' | 'text' | 'nps';

export interface SurveyQuestion {
  id: string;
  kind: QuestionKind;
  text: string;
  options?: string[];
}

export interface Survey {
  id: string;
  merchantId: string;
  kind: 'post_purchase' | 'custom';
  title: string;
  questions: SurveyQuestion[];
  createdAt: Date;
}

export interface SurveyResponse {
  id: string;
  surveyId: string;
  merchantId: string;
  memberId: string;
  subject: string;
  branch: string | null;
  askNps: boolean;
  answers: Record<string, string | number>;
  rating: number | null;
  nps: number | null;
  comment: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export type TicketStatus = 'open' | 'answered' | 'closed';

export interface Ticket {
  id: string;
  merchantId: string;
  memberId: string;
  number: number;
  category: string;
  status: TicketStatus;
  branch: string | null;
  source: 'member' | 'survey';
  createdAt: Date;
  firstResponseAt: Date | null;
  closedAt: Date | null;
}

export interface TicketMessage {
  id: number;
  author: 'member' | 'staff';
  text: string;
  photo: string | null;
  createdAt: Date;
}

export interface InboxMessage {
  id: number;
  kind: 'account' | 'campaign' | 'support';
  text: string;
  createdAt: Date;
}

export interface SurveyStore {
  postPurchaseSurvey(merchantId: string): Promise<Survey>;
  createSurvey(merchantId: string, s: { title: string; questions: SurveyQuestion[] }): Promise<Survey>;
  survey(merchantId: string, id: string): Promise<Survey | null>;
  /** Creates the response (and its `survey.requested` event) once; null when it exists. */
  openResponse(r: {
    surveyId: string;
    merchantId: string;
    memberId: string;
    subject: string;
    branch: string | null;
    askNps: boolean;
    event: boolean;
  }): Promise<SurveyResponse | null>;
  response(merchantId: string, id: string): Promise<SurveyResponse | null>;
  findResponse(surveyId: string, memberId: string, subject: string): Promise<SurveyResponse | null>;
  /** Sets fields only where they are still empty; returns the row after. */
  update(
    id: string,
    set: Partial<Pick<SurveyResponse, 'rating' | 'nps' | 'comment'>> & {
      answer?: { questionId: string; value: string | number };
      complete?: boolean;
    },
  ): Promise<SurveyResponse>;
  responses(surveyId: string): Promise<SurveyResponse[]>;
  /** Post-purchase ratings and NPS per branch between two moments. */
  branchStats(
    merchantId: string,
    from: Date,
    to: Date,
  ): Promise<{ branch: string | null; ratings: number; ratingSum: number; npsAnswers: number; promoters: number; detractors: number }[]>;
}

export interface TicketStore {
  /** Numbers it per merchant and writes the first message and a `ticket.opened` event, in one transaction. */
  open(t: {
    merchantId: string;
    memberId: string;
    category: string;
    branch: string | null;
    source: 'member' | 'survey';
    responseId: string | null;
    text: string;
    photo: string | null;
    rating?: number;
  }): Promise<Ticket>;
  byResponse(responseId: string): Promise<Ticket | null>;
  get(merchantId: string, id: string): Promise<Ticket | null>;
  messages(ticketId: string): Promise<TicketMessage[]>;
  /** Adds a message; staff replies set first_response_at once and write `ticket.replied`, member replies `ticket.member_replied`. */
  addMessage(
    ticket: Ticket,
    m: { author: 'member' | 'staff'; operatorId: string | null; text: string; photo: string | null },
  ): Promise<Ticket>;
  close(ticket: Ticket, by: 'member' | 'staff'): Promise<Ticket>;
  list(merchantId: string, q: { status?: TicketStatus[]; memberId?: string; branch?: string | null; limit: number }): Promise<Ticket[]>;
  /** First-response times (seconds) of tickets opened between two moments. */
  firstResponses(merchantId: string, from: Date, to: Date): Promise<{ opened: number; answered: number; seconds: number[] }>;
}

export interface InboxStore {
  add(m: { merchantId: string; memberId: string; kind: InboxMessage['kind']; text: string; source: string }): Promise<void>;
  list(memberId: string, limit: number): Promise<InboxMessage[]>;
}
