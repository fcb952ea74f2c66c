import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { BroadcastService } from '../../../domain/campaigns/broadcast-service.js';
import type { CampaignService } from '../../../domain/campaigns/campaign-service.js';
import { errorResponses } from '../../schemas/common.js';
import { broadcastSchema, campaignKpisSchema, SEGMENT_FIELDS, segmentCountSchema } from '../../schemas/campaigns.js';
import { domainBody, idParams } from '../../schemas/rewards.js';
import { presentBroadcast } from '../../presenters/broadcast.js';

const security = [{ apiKey: [] }];
const ACTION_REFUSAL = { pause: 'not_running', resume: 'not_paused', cancel: 'already_finished' } as const;

export const broadcastRoutes: FastifyPluginAsyncZod<{ campaigns: CampaignService; broadcasts: BroadcastService }> = async (
  app,
  { campaigns, broadcasts },
) => {
  app.post(
    '/segments/count',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'How many members a segment has (active, not opted out)',
        description: `Body: ${SEGMENT_FIELDS}`,
        security,
        errors: ['invalid_segment'],
        body: domainBody(SEGMENT_FIELDS),
        response: { 200: segmentCountSchema, ...errorResponses },
      },
    },
    async (request) => campaigns.countSegment(request.merchantId!, request.body),
  );

  app.post(
    '/broadcasts',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Send a message to a segment in Telegram, now or at scheduleAt',
        description: `Body: { segment, message: { text, photoUrl?, linkLabel?, buttons?: [{ label, url }] }, scheduleAt? (ISO, or a Jalali/Gregorian day), name? }. Segment: ${SEGMENT_FIELDS}. Opted-out members never receive it.`,
        security,
        errors: ['invalid_campaign', 'invalid_segment', 'schedule_in_past', 'unknown_survey', 'queue_unavailable'],
        body: z
          .object({
            segment: z.record(z.string(), z.unknown()).default({}),
            message: z.record(z.string(), z.unknown()),
            scheduleAt: z.string().max(40).optional(),
            name: z.string().max(120).optional(),
          })
          .strict(),
        response: {
          201: z.object({ id: z.string(), campaignId: z.string(), recipients: z.number().int(), status: z.string() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const out = await campaigns.create(
        request.merchantId!,
        { kind: 'message', name: b.name ?? 'API broadcast', segment: b.segment, message: b.message, scheduleAt: b.scheduleAt },
        request.actor ?? 'api',
      );
      return reply
        .code(201)
        .send({ id: out.broadcast!.id, campaignId: out.campaign.id, recipients: out.recipients, status: out.broadcast!.status });
    },
  );

  app.get(
    '/broadcasts/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'State and counts of a broadcast',
        security,
        errors: ['broadcast_not_found'],
        params: idParams,
        response: { 200: broadcastSchema, ...errorResponses },
      },
    },
    async (request) => presentBroadcast(await broadcasts.status(request.merchantId!, request.params.id)),
  );

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post(
      `/broadcasts/:id/${action}`,
      {
        schema: {
          tags: ['campaigns'],
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} a broadcast`,
          security,
          errors: ['broadcast_not_found', ACTION_REFUSAL[action]],
          params: idParams,
          response: { 200: broadcastSchema, ...errorResponses },
        },
      },
      async (request) => presentBroadcast(await broadcasts[action](request.merchantId!, request.params.id)),
    );
  }

  app.post(
    '/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Create a campaign: a message or a reward to a segment, or a time-boxed earning multiplier',
        description:
          'Body: { kind: message, name, segment, message, holdoutPercent?, attributionDays?, scheduleAt? } | { kind: reward, …, reward: { currency, amount, expiresInDays? } | { voucherCampaignId } } | { kind: multiplier, name, rule: { multiplier?, bonus?, when? }, startsAt, endsAt }',
        security,
        errors: [
          'invalid_campaign',
          'invalid_segment',
          'schedule_in_past',
          'unknown_survey',
          'unknown_voucher_campaign',
          'queue_unavailable',
        ],
        body: domainBody('See the description'),
        response: {
          201: z.object({ id: z.string(), kind: z.string(), broadcastId: z.string().nullable(), recipients: z.number().int() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const out = await campaigns.create(request.merchantId!, request.body, request.actor ?? 'api');
      return reply
        .code(201)
        .send({ id: out.campaign.id, kind: out.campaign.kind, broadcastId: out.broadcast?.id ?? null, recipients: out.recipients });
    },
  );

  app.get(
    '/campaigns/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'A campaign’s KPIs: deliveries, clicks, purchases and revenue vs the holdout',
        security,
        errors: ['campaign_not_found'],
        params: idParams,
        response: { 200: campaignKpisSchema, ...errorResponses },
      },
    },
    async (request) => {
      const campaign = await campaigns.get(request.merchantId!, request.params.id);
      const b = await broadcasts.forCampaign(request.merchantId!, campaign.id);
      const status = b ? await broadcasts.status(request.merchantId!, b.id) : null;
      const k = await campaigns.kpis(request.merchantId!, campaign.id, status, status?.counts ?? null);
      return {
        id: campaign.id,
        kind: campaign.kind,
        name: campaign.name,
        broadcastId: b?.id ?? null,
        deliveries: k.deliveries,
        clicks: k.clicks,
        recipients: k.recipients,
        holdout: k.holdout,
        liftPoints: k.liftPoints,
      };
    },
  );
};
