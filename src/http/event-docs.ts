import { EVENT_API_VERSION, EVENT_TYPES, eventJsonSchema, type EventType } from '../domain/events/catalog.js';

type JsonSchema = Record<string, unknown>;

/** `purchase.recorded` → `PurchaseRecordedEvent`: the event's schema name under components. */
export const eventSchemaName = (type: EventType) =>
  `${type
    .split(/[._]/)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')}Event`;

const DELIVERY_HEADERS = [
  { name: 'X-Bashgah-Event', description: 'The event type' },
  { name: 'X-Bashgah-Delivery', description: 'Unique per delivery (a replay has a new one; the body’s id stays)' },
  { name: 'X-Bashgah-Timestamp', description: 'Unix seconds when this attempt was signed' },
  {
    name: 'X-Bashgah-Signature',
    description:
      'v1=<hex HMAC-SHA256(endpoint secret, timestamp + "." + raw body)>; two comma-separated v1= values while a rotated secret overlaps',
  },
].map((h) => ({ in: 'header', required: true, schema: { type: 'string' }, ...h }));

/**
 * The events the club POSTs to webhook endpoints, for the OpenAPI document: one schema per
 * catalogue type under components (from `eventJsonSchema`, so they cannot drift from what is
 * sent) and one entry per type under `webhooks` (OpenAPI 3.1).
 */
export function eventWebhookDocs(): { schemas: Record<string, JsonSchema>; webhooks: Record<string, JsonSchema> } {
  const schemas: Record<string, JsonSchema> = {};
  const webhooks: Record<string, JsonSchema> = {};
  for (const type of EVENT_TYPES) {
    const { $schema: _drop, ...schema } = eventJsonSchema(type) as JsonSchema;
    const name = eventSchemaName(type);
    schemas[name] = { ...schema, description: `${type} (api_version ${EVENT_API_VERSION})` };
    webhooks[type] = {
      post: {
        tags: ['webhooks'],
        summary: `${type}, sent to endpoints that take it (or "*")`,
        parameters: DELIVERY_HEADERS,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } },
        responses: {
          '2XX': { description: 'Received: the delivery ends' },
          '410': { description: 'Gone: the endpoint is disabled' },
          default: { description: 'Anything else, or no answer within 5 s: retried with exponential backoff and jitter for 3 days' },
        },
      },
    };
  }
  return { schemas, webhooks };
}
