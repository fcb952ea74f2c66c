import { z } from 'zod';

const counts = z.object({
  pending: z.number().int(),
  sending: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  blocked: z.number().int(),
  unknown: z.number().int().describe('In flight when a worker died: not resent (at most once)'),
  cancelled: z.number().int(),
  held_out: z.number().int(),
  skipped: z.number().int(),
});

export const broadcastSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    status: z.enum(['scheduled', 'enqueuing', 'sending', 'paused', 'cancelled', 'done']),
    scheduleAt: z.string().nullable(),
    recipients: z
      .number()
      .int()
      .describe('Members it goes to, fixed when sending starts (0 while scheduled: the segment is counted again then)'),
    heldOut: z.number().int(),
    counts,
    remaining: z.number().int(),
    etaSeconds: z
      .number()
      .int()
      .describe('Until the last message is out: Telegram at the rate per bot, WhatsApp at the number’s send interval, both at once'),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Broadcast' });

export const segmentCountSchema = z
  .object({
    members: z.number().int(),
    telegram: z.number().int().describe('Reachable in Telegram'),
    bale: z.number().int().describe('Reachable in Bale'),
    whatsapp: z.number().int().describe('Reachable in WhatsApp'),
    reachable: z.number().int().describe('Reachable in any (who a broadcast goes to: Telegram first, else Bale, else WhatsApp)'),
  })
  .meta({ id: 'SegmentCount' });

const outcome = z.object({
  members: z.number().int(),
  buyers: z.number().int(),
  purchases: z.number().int(),
  revenue: z.number().int(),
  conversion: z.number(),
  revenuePerMember: z.number().int(),
});

export const campaignKpisSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    name: z.string(),
    broadcastId: z.string().nullable(),
    deliveries: counts.nullable(),
    clicks: z.number().int(),
    recipients: outcome,
    holdout: outcome,
    liftPoints: z.number().nullable().describe('Conversion of recipients minus the holdout’s, in percentage points'),
  })
  .meta({ id: 'CampaignKpis' });

export const SEGMENT_FIELDS =
  '{ tiers?, tags?, sourceTags?, joinedFrom?, joinedTo?, lastPurchaseBefore?, lastPurchaseAfter?, inactiveDays?, minSpend?, maxSpend?, minPoints?, maxPoints?, birthday?: week|month, channel?: telegram|whatsapp }; days in Jalali or Gregorian are whole Tehran days';
