import { z } from 'zod';
import { DELIVERY_STATUSES, DISABLED_REASONS, type WebhookDelivery } from '../../domain/webhooks/types.js';
import type { EndpointView } from '../../domain/webhooks/endpoint-service.js';

const moment = z.string().nullable();

export const endpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()).describe('Event types, or ["*"] for every event'),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledReason: z
      .enum(DISABLED_REASONS)
      .nullable()
      .describe('merchant (PATCH enabled: false), gone (it answered 410), failing (3 days without a 2xx)'),
    disabledAt: moment,
    failingSince: moment.describe('The first failed attempt since the last 2xx'),
    previousSecretUntil: moment.describe('Until then deliveries carry a second v1= signature made with the previous secret'),
    createdAt: z.string(),
    secret: z.string().optional().describe('The signing secret: only in the answers to creation and rotation'),
  })
  .meta({ id: 'WebhookEndpoint' });

export const deliverySchema = z
  .object({
    id: z.string().describe('X-Bashgah-Delivery'),
    eventId: z.string().describe('The body’s id: evt_<n>, the same in a replay'),
    type: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: moment,
    lastAttemptAt: moment,
    lastResponseStatus: z.number().int().nullable(),
    lastError: z.string().nullable().describe('Timeout, refused address or network error of the last attempt'),
    lastResponseBody: z.string().nullable().describe('The first 500 characters of the last answer'),
    deliveredAt: moment,
    replayOf: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export const endpointBody = z
  .object({
    url: z.string().min(1).max(2048),
    events: z.array(z.string().max(64)).min(1).max(64),
    description: z.string().max(500).nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentEndpoint(e: EndpointView) {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    disabledAt: iso(e.disabledAt),
    failingSince: iso(e.failingSince),
    previousSecretUntil: iso(e.prevSecretUntil),
    createdAt: e.createdAt.toISOString(),
    ...(e.secret ? { secret: e.secret } : {}),
  };
}

export function presentDelivery(d: WebhookDelivery) {
  return {
    id: d.id,
    eventId: d.eventId,
    type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    lastAttemptAt: iso(d.lastAttemptAt),
    lastResponseStatus: d.lastStatus,
    lastError: d.lastError,
    lastResponseBody: d.lastBody,
    deliveredAt: iso(d.deliveredAt),
    replayOf: d.replayOf,
    createdAt: d.createdAt.toISOString(),
  };
}
