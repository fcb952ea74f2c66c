import { EVENT_API_VERSION, type ClubEvent, type EventType } from '../events/catalog.js';

/** The published id of an outbox event. */
export const publicEventId = (outboxId: number | string) => `evt_${outboxId}`;

/** What a webhook's body holds: the catalogue's envelope (`eventEnvelopeSchema`), as JSON text. */
export function eventBody(event: ClubEvent, id: string, createdAt: Date | string): string {
  const created = typeof createdAt === 'string' ? createdAt : createdAt.toISOString();
  return JSON.stringify({ id, type: event.type, api_version: EVENT_API_VERSION, created_at: created, data: event.payload });
}

/** The event `POST /v1/webhook-endpoints/:id/test` sends: a purchase of made-up data, marked by its id. */
export function sampleEvent(now: Date): { type: EventType; event: ClubEvent } {
  const event: ClubEvent = {
    type: 'purchase.recorded',
    payload: {
      member_id: '00000000-0000-7000-8000-000000000000',
      operation_id: 0,
      kind: 'purchase',
      actor: 'test',
      entries: [{ id: 0, currency: 'points', amount: 25, balance_after: 125, reason: 'purchase' }],
      balances: { points: 125, coins: 0, credit: 0 },
      shortfall: {},
      purchase_count: 1,
      referrer_id: null,
      order_id: 'test-order',
      amount: 250_000,
      occurred_at: now.toISOString(),
      branch: null,
      staff_code: null,
      voucher_code: null,
    },
  };
  return { type: event.type, event };
}
