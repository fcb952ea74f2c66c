import { translator } from '../../src/chat/i18n.js';
import { notificationScreen } from '../../src/chat/screens/notification-screens.js';
import { parseEvent, type ClubEvent, type DeliveredEvent, type EventType } from '../../src/domain/events/catalog.js';
import { deliveredEvent, type EventHandler } from '../../src/jobs/event-worker.js';
import type { TestDatabase } from './db.js';

/**
 * The outbox → handlers path without BullMQ, for tests that want events handled right now:
 * repeats until no unpublished event is left (handlers may write new ones). Every event is
 * checked against the catalogue first: one that does not fit fails the test.
 */
export async function drainEvents(db: TestDatabase, handlers: EventHandler[]): Promise<DeliveredEvent[]> {
  const seen: DeliveredEvent[] = [];
  for (;;) {
    const { rows } = await db.pool.query(
      'UPDATE outbox_events SET published_at = now() WHERE id IN (SELECT id FROM outbox_events WHERE published_at IS NULL ORDER BY id LIMIT 200) RETURNING id, merchant_id, type, payload, created_at',
    );
    if (!rows.length) return seen;
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    for (const r of rows) {
      const parsed = deliveredEvent({
        id: Number(r.id),
        merchantId: r.merchant_id,
        type: r.type,
        payload: r.payload,
        createdAt: r.created_at.toISOString(),
      });
      if (!parsed.ok) throw new Error(`outbox event ${r.type} does not fit its schema: ${parsed.problem} (${JSON.stringify(r.payload)})`);
      for (const h of handlers) await h.handle(parsed.event);
      seen.push(parsed.event);
    }
  }
}

/**
 * The event as a member reads it in chat (Persian, club "x"): parsed against its schema first
 * (a payload that does not fit fails the test), then the notification screen's text.
 */
export function noticeEvent<T extends EventType>(
  type: T,
  payload: unknown,
): { event: Extract<ClubEvent, { type: T }>; text: string | undefined } {
  const parsed = parseEvent(type, payload);
  if (!parsed.ok || parsed.event.type !== type) throw new Error(`${type} does not fit its schema: ${parsed.ok ? '' : parsed.problem}`);
  const c = { t: translator('fa'), locale: 'fa' as const, clubName: 'x', moneyUnit: 'IRT' as const, tierName: (k: string) => k };
  return { event: parsed.event as Extract<ClubEvent, { type: T }>, text: notificationScreen(parsed.event, c)?.text };
}
