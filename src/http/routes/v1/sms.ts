import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SmsService } from '../../../domain/sms/sms-service.js';
import { errorResponses } from '../../schemas/common.js';
import { SEGMENT_FIELDS } from '../../schemas/campaigns.js';

const estimateSchema = z
  .object({
    recipients: z
      .number()
      .int()
      .describe('Members of the segment the broadcast would text (segment.channel sms, or chat_or_sms without a chat)'),
    text: z.string().describe('The SMS as it goes out: the message and the opt-out keyword'),
    encoding: z.enum(['gsm7', 'ucs2']).describe('ucs2 for Persian: 70 characters in one part, 67 a part when longer; gsm7: 160 / 153'),
    length: z.number().int(),
    parts: z.number().int(),
    pricePerPartRials: z.number().int(),
    costRials: z.number().int().describe('parts × recipients × price per part'),
    dailyCap: z.number().int().describe('SMS per club per Tehran day; the rest wait for the next morning'),
  })
  .meta({ id: 'SmsEstimate' });

/** What an SMS broadcast will cost, before it is sent. */
export const smsRoutes: FastifyPluginAsyncZod<{ sms: SmsService }> = async (app, { sms }) => {
  app.post(
    '/sms/estimate',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'The cost of an SMS broadcast: recipients, parts and Rials',
        description: `Body: { segment, text }. Segment: ${SEGMENT_FIELDS}; its channel sms (everyone by SMS) or chat_or_sms (SMS where no chat reaches them) decides who gets an SMS.`,
        security: [{ apiKey: [] }],
        errors: ['invalid_segment'],
        body: z.object({ segment: z.record(z.string(), z.unknown()).default({}), text: z.string().min(1).max(2000) }).strict(),
        response: { 200: estimateSchema, ...errorResponses },
      },
    },
    async (request) => sms.estimateBroadcast(request.merchantId!, request.body.segment, request.body.text),
  );
};
