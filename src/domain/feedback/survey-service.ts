import { createHash } from 'node:crypto';
import { z } from 'zod';
import { invalid, notFound, unprocessable } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { SettingsProvider } from '../merchants/settings.js';
import { parseInput } from '../validation.js';
import { average, netPromoterScore, npsFromCounts } from './nps.js';
import type { TicketService } from './ticket-service.js';
import type { Survey, SurveyQuestion, SurveyResponse, SurveyStore, Ticket } from './types.js';

const questionSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9_-]{1,20}$/)
      .optional(),
    kind: z.enum(['rating', 'choice', 'text', 'nps']),
    text: z.string().min(1).max(300),
    options: z.array(z.string().min(1).max(60)).min(2).max(8).optional(),
  })
  .strict()
  .refine((q) => q.kind !== 'choice' || (q.options?.length ?? 0) >= 2, {
    message: 'a choice question needs 2 to 8 options',
    path: ['options'],
  });

export const surveyInputSchema = z
  .object({ title: z.string().min(1).max(120), questions: z.array(questionSchema).min(1).max(10) })
  .strict();

/** Which purchases also ask NPS: a stable share of order ids, so a retry asks the same. */
function npsBucket(orderId: string): number {
  return createHash('sha256').update(orderId).digest().readUInt16BE(0) % 100;
}

export interface QuestionResult {
  id: string;
  kind: SurveyQuestion['kind'];
  text: string;
  answers: number;
  average?: number | null;
  nps?: number | null;
  counts?: Record<string, number>;
  texts?: string[];
}

/**
 * Surveys in chat: the post-purchase one (stars for the visit, sometimes the 0–10 question, a
 * comment) and the merchant's own. A low rating opens a ticket; answering can earn coins once.
 */
export class SurveyService {
  constructor(private readonly deps: { store: SurveyStore; tickets: TicketService; settings: SettingsProvider; ledger: LedgerService }) {}

  /** How long after a purchase to ask; null when the merchant turned the survey off. */
  async postPurchaseDelayMs(merchantId: string): Promise<number | null> {
    const s = (await this.deps.settings.get(merchantId)).feedback.postPurchase;
    return s.enabled ? s.delayMinutes * 60_000 : null;
  }

  /** Opens the survey about one order (once; its event sends the question). */
  async openPostPurchase(merchantId: string, memberId: string, orderId: string, branch: string | null): Promise<SurveyResponse | null> {
    const s = (await this.deps.settings.get(merchantId)).feedback.postPurchase;
    if (!s.enabled) return null;
    const survey = await this.deps.store.postPurchaseSurvey(merchantId);
    return this.deps.store.openResponse({
      surveyId: survey.id,
      merchantId,
      memberId,
      subject: orderId,
      branch,
      askNps: npsBucket(orderId) < s.npsPercent,
      event: true,
    });
  }

  private async own(merchantId: string, memberId: string, responseId: string): Promise<SurveyResponse> {
    const r = await this.deps.store.response(merchantId, responseId);
    if (!r || r.memberId !== memberId) throw notFound('survey_not_found', 'No such survey for this member');
    return r;
  }

  /** A question of the member's response, to ask again (a survey_not_found or question_not_found error when gone). */
  async question(merchantId: string, memberId: string, responseId: string, questionId: string) {
    const r = await this.own(merchantId, memberId, responseId);
    const survey = await this.get(merchantId, r.surveyId);
    const question = survey.questions.find((x) => x.id === questionId);
    if (!question) throw notFound('question_not_found', 'No such question');
    return { survey, question };
  }

  /** 1–5 stars; the first answer counts (a second tap changes nothing). */
  async rate(
    merchantId: string,
    memberId: string,
    responseId: string,
    stars: number,
  ): Promise<{ response: SurveyResponse; ticket: Ticket | null; replayed: boolean }> {
    if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw invalid('invalid_rating', 'A rating is 1 to 5 stars');
    const before = await this.own(merchantId, memberId, responseId);
    if (before.rating !== null) return { response: before, ticket: await this.deps.tickets.byResponse(before.id), replayed: true };
    const response = await this.deps.store.update(before.id, { rating: stars });
    const threshold = (await this.deps.settings.get(merchantId)).feedback.postPurchase.ticketAtOrBelow;
    const ticket = stars <= threshold ? await this.deps.tickets.openFromSurvey(response, stars) : null;
    return { response, ticket, replayed: false };
  }

  async nps(merchantId: string, memberId: string, responseId: string, score: number): Promise<SurveyResponse> {
    if (!Number.isInteger(score) || score < 0 || score > 10) throw invalid('invalid_nps', 'The recommendation score is 0 to 10');
    const r = await this.own(merchantId, memberId, responseId);
    return r.nps === null ? this.deps.store.update(r.id, { nps: score }) : r;
  }

  /** The comment (or none): the survey is done; the coins, if any, once per purchase. */
  async finish(
    merchantId: string,
    memberId: string,
    responseId: string,
    comment: string | null,
  ): Promise<{ response: SurveyResponse; coins: number; replayed: boolean }> {
    const r = await this.own(merchantId, memberId, responseId);
    if (r.completedAt) return { response: r, coins: 0, replayed: true };
    const text = comment?.trim().slice(0, 1000) || null;
    const response = await this.deps.store.update(r.id, { comment: text ?? undefined, complete: true });
    if (text) {
      const ticket = await this.deps.tickets.byResponse(r.id);
      if (ticket) await this.deps.tickets.memberReply(merchantId, memberId, ticket.id, text, null);
    }
    const coins = (await this.deps.settings.get(merchantId)).feedback.postPurchase.rewardCoins;
    if (coins > 0 && r.subject) {
      await this.deps.ledger.apply({
        merchantId,
        memberId,
        idempotencyKey: `survey:${r.id}`,
        kind: 'survey',
        actor: 'survey',
        lines: [
          {
            mode: 'earn',
            currency: 'coins',
            amount: coins,
            reason: 'survey',
            refType: 'survey',
            refId: r.id,
            expiresAt: null,
            countsForTier: false,
          },
        ],
        eventType: 'survey.rewarded',
      });
    }
    return { response, coins, replayed: false };
  }

  // ── the merchant's own surveys ──

  async create(merchantId: string, input: unknown): Promise<Survey> {
    const parsed = parseInput(surveyInputSchema, input, 'invalid_survey', 'survey');
    const ids = new Set<string>();
    const questions = parsed.questions.map((q, i) => {
      const id = q.id ?? `q${i + 1}`;
      if (ids.has(id)) throw invalid('invalid_survey', `duplicate question id ${id}`, { field: `questions.${i}.id` });
      ids.add(id);
      return { id, kind: q.kind, text: q.text, ...(q.kind === 'choice' ? { options: q.options } : {}) };
    });
    return this.deps.store.createSurvey(merchantId, { title: parsed.title, questions });
  }

  async get(merchantId: string, surveyId: string): Promise<Survey> {
    const survey = await this.deps.store.survey(merchantId, surveyId);
    if (!survey) throw notFound('survey_not_found', 'No such survey', { surveyId });
    return survey;
  }

  /** The member's response (opened on first use) and the first question not answered yet. */
  async start(
    merchantId: string,
    memberId: string,
    surveyId: string,
  ): Promise<{ survey: Survey; response: SurveyResponse; next: SurveyQuestion | null }> {
    const survey = await this.get(merchantId, surveyId);
    if (survey.kind !== 'custom') throw unprocessable('not_a_custom_survey', 'This survey is sent after purchases');
    const response =
      (await this.deps.store.findResponse(survey.id, memberId, '')) ??
      (await this.deps.store.openResponse({
        surveyId: survey.id,
        merchantId,
        memberId,
        subject: '',
        branch: null,
        askNps: false,
        event: false,
      })) ??
      (await this.deps.store.findResponse(survey.id, memberId, ''))!;
    return { survey, response, next: survey.questions.find((q) => response.answers[q.id] === undefined) ?? null };
  }

  /** One answer: a star count, a 0–10 score, an option number (1-based) or a text. */
  async answer(merchantId: string, memberId: string, responseId: string, questionId: string, raw: string | number) {
    const r = await this.own(merchantId, memberId, responseId);
    const survey = await this.get(merchantId, r.surveyId);
    const q = survey.questions.find((x) => x.id === questionId);
    if (!q) throw notFound('question_not_found', 'No such question');
    let value: string | number;
    if (q.kind === 'text') {
      value = String(raw).trim().slice(0, 500);
      if (!value) throw invalid('invalid_answer', 'The answer is empty');
    } else {
      const n = Number(raw);
      const max = q.kind === 'rating' ? 5 : q.kind === 'nps' ? 10 : q.options!.length;
      const min = q.kind === 'nps' ? 0 : 1;
      if (!Number.isInteger(n) || n < min || n > max) throw invalid('invalid_answer', `Answer with ${min} to ${max}`);
      value = q.kind === 'choice' ? q.options![n - 1]! : n;
    }
    if (r.answers[q.id] !== undefined)
      return { survey, response: r, next: survey.questions.find((x) => r.answers[x.id] === undefined) ?? null };
    const answered = { ...r.answers, [q.id]: value };
    const done = survey.questions.every((x) => answered[x.id] !== undefined);
    const response = await this.deps.store.update(r.id, { answer: { questionId: q.id, value }, complete: done });
    return { survey, response, next: survey.questions.find((x) => response.answers[x.id] === undefined) ?? null };
  }

  async results(
    merchantId: string,
    surveyId: string,
  ): Promise<{ survey: Survey; responses: number; completed: number; questions: QuestionResult[] }> {
    const survey = await this.get(merchantId, surveyId);
    const all = await this.deps.store.responses(survey.id);
    const questions = survey.questions.map((q): QuestionResult => {
      const values = all.map((r) => r.answers[q.id]).filter((v) => v !== undefined);
      const base = { id: q.id, kind: q.kind, text: q.text, answers: values.length };
      if (q.kind === 'rating')
        return {
          ...base,
          average: average(
            values.reduce<number>((s, v) => s + Number(v), 0),
            values.length,
          ),
        };
      if (q.kind === 'nps')
        return {
          ...base,
          average: average(
            values.reduce<number>((s, v) => s + Number(v), 0),
            values.length,
          ),
          nps: netPromoterScore(values.map(Number)),
        };
      if (q.kind === 'choice')
        return { ...base, counts: Object.fromEntries(q.options!.map((o) => [o, values.filter((v) => v === o).length])) };
      return { ...base, texts: values.slice(-20).map(String) };
    });
    return { survey, responses: all.length, completed: all.filter((r) => r.completedAt).length, questions };
  }

  /** Post-purchase ratings and NPS per branch (null branch: sales without one). */
  async branchStats(merchantId: string, from: Date, to: Date) {
    const rows = await this.deps.store.branchStats(merchantId, from, to);
    return rows.map((r) => ({
      branch: r.branch,
      ratings: r.ratings,
      averageRating: average(r.ratingSum, r.ratings),
      npsAnswers: r.npsAnswers,
      nps: npsFromCounts(r.npsAnswers, r.promoters, r.detractors),
    }));
  }
}
