import type pg from 'pg';

/** Published outbox rows are kept a week for inspection, then removed. */
export async function pruneOutbox(pool: pg.Pool, olderThanDays = 7): Promise<number> {
  const { rowCount } = await pool.query(
    "DELETE FROM outbox_events WHERE published_at IS NOT NULL AND published_at < now() - make_interval(days => $1)",
    [olderThanDays],
  );
  return rowCount ?? 0;
}
