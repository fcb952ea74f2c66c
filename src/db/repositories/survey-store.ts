import type pg from 'pg';
import type { Survey, SurveyQuestion, SurveyResponse, SurveyStore } from '../../domain/feedback/types.js';
import { inTransaction } from '../transaction.js';
import { isUuid } from './merchant-store.js';
import { insertEvent } from './outbox-store.js';

/** The post-purchase survey's questions; its texts come from the locale files when shown. */
const POST_PURCHASE_QUESTIONS: SurveyQuestion[] = [
  { id: 'rating', kind: 'rating', text: 'visit' },
  { id: 'nps', kind: 'nps', text: 'recommend' },
  { id: 'comment', kind: 'text', text: 'comment' },
];

const SURVEY = 'id, merchant_id, kind, title, questions, created_at';
const RESPONSE = 'id, survey_id, merchant_id, member_id, subject, branch, ask_nps, answers, rating, nps, comment, created_at, completed_at';

const toSurvey = (r: Record<string, unknown>): Survey => ({
  id: r.id as string,
  merchantId: r.merchant_id as string,
  kind: r.kind as Survey['kind'],
  title: r.title as string,
  questions: r.questions as SurveyQuestion[],
  createdAt: r.created_at as Date,
});

const toResponse = (r: Record<string, unknown>): SurveyResponse => ({
  id: r.id as string,
  surveyId: r.survey_id as string,
  merchantId: r.merchant_id as string,
  memberId: r.member_id as string,
  subject: r.subject as string,
  branch: r.branch as string | null,
  askNps: r.ask_nps as boolean,
  answers: r.answers as SurveyResponse['answers'],
  rating: r.rating as number | null,
  nps: r.nps as number | null,
  comment: r.comment as string | null,
  createdAt: r.created_at as Date,
  completedAt: r.completed_at as Date | null,
});

export class PgSurveyStore implements SurveyStore {
  constructor(private readonly pool: pg.Pool) {}

  async postPurchaseSurvey(merchantId: string): Promise<Survey> {
    const found = await this.pool.query(
      `SELECT ${SURVEY} FROM surveys WHERE merchant_id = $1 AND kind = 'post_purchase' ORDER BY created_at LIMIT 1`,
      [merchantId],
    );
    if (found.rows[0]) return toSurvey(found.rows[0]);
    // Two purchases at once must not make two: the advisory lock serialises the first creation.
    return inTransaction(this.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('post-purchase-survey:' || $1))", [merchantId]);
      const again = await client.query(`SELECT ${SURVEY} FROM surveys WHERE merchant_id = $1 AND kind = 'post_purchase' LIMIT 1`, [
        merchantId,
      ]);
      if (again.rows[0]) return toSurvey(again.rows[0]);
      const { rows } = await client.query(
        `INSERT INTO surveys (id, merchant_id, kind, title, questions) VALUES (gen_random_uuid(), $1, 'post_purchase', 'post_purchase', $2) RETURNING ${SURVEY}`,
        [merchantId, JSON.stringify(POST_PURCHASE_QUESTIONS)],
      );
      return toSurvey(rows[0]);
    });
  }

  async createSurvey(merchantId: string, s: { title: string; questions: SurveyQuestion[] }) {
    const { rows } = await this.pool.query(
      `INSERT INTO surveys (id, merchant_id, kind, title, questions) VALUES (gen_random_uuid(), $1, 'custom', $2, $3) RETURNING ${SURVEY}`,
      [merchantId, s.title, JSON.stringify(s.questions)],
    );
    return toSurvey(rows[0]);
  }

  async survey(merchantId: string, id: string) {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${SURVEY} FROM surveys WHERE merchant_id = $1 AND id = $2`, [merchantId, id]);
    return rows[0] ? toSurvey(rows[0]) : null;
  }

  async openResponse(r: Parameters<SurveyStore['openResponse']>[0]) {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query(
        `INSERT INTO survey_responses (id, survey_id, merchant_id, member_id, subject, branch, ask_nps) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6)
         ON CONFLICT (survey_id, member_id, subject) DO NOTHING RETURNING ${RESPONSE}`,
        [r.surveyId, r.merchantId, r.memberId, r.subject, r.branch, r.askNps],
      );
      if (!rows[0]) return null;
      if (r.event) {
        await insertEvent(client, r.merchantId, 'survey.requested', {
          member_id: r.memberId,
          response_id: rows[0].id,
          branch: r.branch,
          order_id: r.subject,
        });
      }
      return toResponse(rows[0]);
    });
  }

  async response(merchantId: string, id: string) {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${RESPONSE} FROM survey_responses WHERE merchant_id = $1 AND id = $2`, [merchantId, id]);
    return rows[0] ? toResponse(rows[0]) : null;
  }

  async findResponse(surveyId: string, memberId: string, subject: string) {
    const { rows } = await this.pool.query(
      `SELECT ${RESPONSE} FROM survey_responses WHERE survey_id = $1 AND member_id = $2 AND subject = $3`,
      [surveyId, memberId, subject],
    );
    return rows[0] ? toResponse(rows[0]) : null;
  }

  async update(id: string, set: Parameters<SurveyStore['update']>[1]) {
    const { rows } = await this.pool.query(
      `UPDATE survey_responses SET
         rating = coalesce(rating, $2), nps = coalesce(nps, $3), comment = coalesce(comment, $4),
         answers = CASE WHEN $5::text IS NULL OR answers ? $5 THEN answers ELSE answers || jsonb_build_object($5::text, $6::jsonb) END,
         completed_at = CASE WHEN $7 THEN coalesce(completed_at, now()) ELSE completed_at END
       WHERE id = $1 RETURNING ${RESPONSE}`,
      [
        id,
        set.rating ?? null,
        set.nps ?? null,
        set.comment ?? null,
        set.answer?.questionId ?? null,
        set.answer ? JSON.stringify(set.answer.value) : null,
        set.complete ?? false,
      ],
    );
    return toResponse(rows[0]);
  }

  async responses(surveyId: string) {
    const { rows } = await this.pool.query(`SELECT ${RESPONSE} FROM survey_responses WHERE survey_id = $1 ORDER BY created_at`, [surveyId]);
    return rows.map(toResponse);
  }

  async branchStats(merchantId: string, from: Date, to: Date) {
    const { rows } = await this.pool.query(
      `SELECT r.branch, count(r.rating)::int AS ratings, coalesce(sum(r.rating), 0)::int AS rating_sum, count(r.nps)::int AS nps_answers,
              count(*) FILTER (WHERE r.nps >= 9)::int AS promoters, count(*) FILTER (WHERE r.nps <= 6)::int AS detractors
       FROM survey_responses r JOIN surveys s ON s.id = r.survey_id AND s.kind = 'post_purchase'
       WHERE r.merchant_id = $1 AND r.created_at >= $2 AND r.created_at < $3 AND (r.rating IS NOT NULL OR r.nps IS NOT NULL)
       GROUP BY r.branch ORDER BY r.branch NULLS LAST`,
      [merchantId, from, to],
    );
    return rows.map((r) => ({
      branch: r.branch as string | null,
      ratings: r.ratings as number,
      ratingSum: r.rating_sum as number,
      npsAnswers: r.nps_answers as number,
      promoters: r.promoters as number,
      detractors: r.detractors as number,
    }));
  }
}
