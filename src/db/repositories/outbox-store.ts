import type pg from 'pg';
import { outboxEvent, type EventPayload, type EventType } from '../../domain/events/catalog.js';

/** Published outbox rows are kept a week for inspection, then removed (once the webhook fan-out has them too). */
export async function pruneOutbox(pool: pg.Pool, olderThanDays = 7): Promise<number> {
  const { rowCount } = await pool.query(
    'DELETE FROM outbox_events WHERE published_at IS NOT NULL AND published_at < now() - make_interval(days => $1) AND webhooks_at IS NOT NULL',
    [olderThanDays],
  );
  return rowCount ?? 0;
}

/** Writes one event to the outbox, in the caller's transaction (see the catalogue for the shapes). */
export async function insertEvent<T extends EventType>(
  client: pg.Pool | pg.PoolClient,
  merchantId: string,
  type: T,
  payload: EventPayload<T>,
): Promise<void> {
  const event = outboxEvent(type, payload);
  await client.query('INSERT INTO outbox_events (merchant_id, type, payload) VALUES ($1, $2, $3)', [
    merchantId,
    event.type,
    JSON.stringify(event.payload),
  ]);
}
