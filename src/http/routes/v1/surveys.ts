import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CampaignService } from '../../../domain/campaigns/campaign-service.js';
import type { SurveyService } from '../../../domain/feedback/survey-service.js';
import type { TicketService } from '../../../domain/feedback/ticket-service.js';
import { invalid } from '../../../domain/errors.js';
import { errorResponses } from '../../schemas/common.js';
import { domainBody, idParams } from '../../schemas/rewards.js';

const security = [{ apiKey: [] }];

const questionResult = z.object({
  id: z.string(),
  kind: z.enum(['rating', 'choice', 'text', 'nps']),
  text: z.string(),
  answers: z.number().int(),
  average: z.number().nullable().optional(),
  nps: z.number().int().nullable().optional().describe('% promoters (9–10) − % detractors (0–6)'),
  counts: z.record(z.string(), z.number().int()).optional(),
  texts: z.array(z.string()).optional(),
});

const resultsSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    responses: z.number().int(),
    completed: z.number().int(),
    questions: z.array(questionResult),
  })
  .meta({ id: 'SurveyResults' });
const ticketSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    memberId: z.string(),
    category: z.string(),
    status: z.enum(['open', 'answered', 'closed']),
    branch: z.string().nullable(),
    source: z.string(),
    createdAt: z.string(),
    firstResponseAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'Ticket' });

/** The merchant's own surveys (sent in chat to a segment through a campaign) and the support tickets. */
export const surveyRoutes: FastifyPluginAsyncZod<{ surveys: SurveyService; campaigns: CampaignService; tickets: TicketService }> = async (
  app,
  { surveys, campaigns, tickets },
) => {
  app.post(
    '/surveys',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Create a survey; with segment and message it is sent in chat at once (a campaign with a "take the survey" button)',
        description:
          'Body: { title, questions: [{ id?, kind: rating | choice | text | nps, text, options? (choice) }], segment?, message?: { text, … }, scheduleAt?, holdoutPercent? }',
        security,
        errors: ['invalid_survey', 'invalid_campaign', 'invalid_segment', 'schedule_in_past', 'queue_unavailable'],
        body: domainBody('See the description'),
        response: {
          201: z.object({
            id: z.string(),
            campaignId: z.string().nullable(),
            broadcastId: z.string().nullable(),
            recipients: z.number().int(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { segment, message, scheduleAt, holdoutPercent, ...definition } = request.body as Record<string, unknown>;
      if (segment !== undefined && (typeof message !== 'object' || message === null))
        throw invalid('invalid_survey', 'Sending a survey needs a message: { text }', { field: 'message' });
      // A message without a segment would be sent to nobody without a word: say so instead.
      if (segment === undefined && (message !== undefined || scheduleAt !== undefined || holdoutPercent !== undefined)) {
        throw invalid(
          'invalid_survey',
          'Sending a survey needs a segment (use {} for every member); without one, send only the definition',
          { field: 'segment' },
        );
      }
      const survey = await surveys.create(request.merchantId!, definition);
      if (segment === undefined) return reply.code(201).send({ id: survey.id, campaignId: null, broadcastId: null, recipients: 0 });
      const out = await campaigns.create(
        request.merchantId!,
        {
          kind: 'message',
          name: `survey: ${survey.title}`.slice(0, 120),
          segment,
          message: { ...(message as object), surveyId: survey.id },
          scheduleAt,
          holdoutPercent,
        },
        request.actor ?? 'api',
      );
      return reply
        .code(201)
        .send({ id: survey.id, campaignId: out.campaign.id, broadcastId: out.broadcast?.id ?? null, recipients: out.recipients });
    },
  );

  app.get(
    '/surveys/:id/results',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Answers per question: counts, averages and NPS',
        security,
        errors: ['survey_not_found'],
        params: idParams,
        response: { 200: resultsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const r = await surveys.results(request.merchantId!, request.params.id);
      return { id: r.survey.id, title: r.survey.title, responses: r.responses, completed: r.completed, questions: r.questions };
    },
  );

  app.get(
    '/tickets',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Open and answered support tickets, oldest first',
        security,
        querystring: z.object({ branch: z.string().max(60).optional() }),
        response: { 200: z.array(ticketSchema), ...errorResponses },
      },
    },
    async (request) =>
      (await tickets.listOpen(request.merchantId!, request.query.branch ?? null, 100)).map((t) => ({
        ...t,
        createdAt: t.createdAt.toISOString(),
        firstResponseAt: t.firstResponseAt?.toISOString() ?? null,
        closedAt: t.closedAt?.toISOString() ?? null,
      })),
  );
};
