import type pg from 'pg';
import type { NewDelivery } from '../../domain/webhooks/types.js';
import type { AttemptOutcome, AttemptResult } from '../../domain/webhooks/attempt-outcome.js';
import { inTransaction } from '../transaction.js';
import { insertEvent } from './outbox-store.js';

export interface OutboxRow {
  id: string;
  merchantId: string;
  type: string;
  payload: unknown;
  createdAt: Date;
}

export interface FanOutEndpoint {
  id: string;
  merchantId: string;
  events: string[];
}

/** A delivery claimed for one attempt, with what sending it needs. */
export interface ClaimedDelivery {
  seq: string;
  publicId: string;
  endpointId: string;
  merchantId: string;
  eventType: string;
  memberId: string | null;
  body: string;
  /** Including this one. */
  attempts: number;
  createdAt: Date;
  url: string;
  secretEnc: string;
  prevSecretEnc: string | null;
  prevSecretUntil: Date | null;
  failingSince: Date | null;
}

const FANOUT_LOCK = "hashtext('bashgah:webhook-fanout')";
const EXCERPT = 500;

/**
 * The outgoing webhooks' queue in PostgreSQL. Fan-out turns committed outbox rows into delivery
 * rows in one transaction (one fan-out at a time, under an advisory lock, so delivery ids follow
 * the outbox's order); senders claim due deliveries with SKIP LOCKED and a lease, so a sender
 * killed mid-request leaves its delivery to be claimed again once the lease ends.
 */
export class PgWebhookDeliveryStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Takes up to `batch` outbox rows not fanned out yet; `build` names their deliveries. Returns the rows taken (0: none, or another fan-out holds the lock). */
  async fanOut(
    batch: number,
    now: Date,
    build: (rows: OutboxRow[], endpoints: FanOutEndpoint[]) => NewDelivery[],
  ): Promise<{ events: number; deliveries: number }> {
    return inTransaction(this.pool, async (client) => {
      const { rows: lock } = await client.query(`SELECT pg_try_advisory_xact_lock(${FANOUT_LOCK}) AS ok`);
      if (!lock[0].ok) return { events: 0, deliveries: 0 };
      const { rows } = await client.query(
        'SELECT id, merchant_id, type, payload, created_at FROM outbox_events WHERE webhooks_at IS NULL ORDER BY id LIMIT $1',
        [batch],
      );
      if (!rows.length) return { events: 0, deliveries: 0 };
      const events: OutboxRow[] = rows.map((r) => ({
        id: String(r.id),
        merchantId: r.merchant_id,
        type: r.type,
        payload: r.payload,
        createdAt: r.created_at,
      }));
      const merchants = [...new Set(events.map((e) => e.merchantId))];
      const { rows: eps } = await client.query(
        'SELECT id, merchant_id, events FROM webhook_endpoints WHERE enabled AND merchant_id = ANY($1::uuid[])',
        [merchants],
      );
      const deliveries = eps.length
        ? build(
            events,
            eps.map((e) => ({ id: e.id, merchantId: e.merchant_id, events: e.events ?? [] })),
          )
        : [];
      if (deliveries.length) {
        await client.query(
          `INSERT INTO webhook_deliveries (public_id, endpoint_id, merchant_id, event_id, event_type, member_id, body, next_attempt_at, created_at)
           SELECT gen_random_uuid(), d.endpoint_id, d.merchant_id, d.event_id, d.event_type, d.member_id, d.body, $7, $7
           FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::uuid[], $6::text[])
             WITH ORDINALITY AS d(endpoint_id, merchant_id, event_id, event_type, member_id, body, n)
           ORDER BY d.n`,
          [
            deliveries.map((d) => d.endpointId),
            deliveries.map((d) => d.merchantId),
            deliveries.map((d) => d.eventId),
            deliveries.map((d) => d.eventType),
            deliveries.map((d) => d.memberId),
            deliveries.map((d) => d.body),
            now,
          ],
        );
      }
      await client.query('UPDATE outbox_events SET webhooks_at = $2 WHERE id = ANY($1::bigint[])', [events.map((e) => e.id), now]);
      return { events: events.length, deliveries: deliveries.length };
    });
  }

  /**
   * Claims up to `limit` due deliveries of enabled endpoints whose member has no earlier pending
   * delivery to the same endpoint, counting the attempt and leasing them until `leaseUntil`.
   * Ordered by due time alone, the (status, next_attempt_at) index's own order, so the scan stops
   * after `limit` rows instead of checking every due row of a backlog before sorting; per-member
   * order does not depend on it (the NOT EXISTS does that).
   */
  async claim(limit: number, now: Date, leaseUntil: Date): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const { rows } = await this.pool.query(
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1
           AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.enabled)
           AND NOT EXISTS (
             SELECT 1 FROM webhook_deliveries p
             WHERE p.endpoint_id = d.endpoint_id AND p.member_id = d.member_id AND p.status = 'pending' AND p.id < d.id)
         ORDER BY d.next_attempt_at
         LIMIT $2
         FOR UPDATE OF d SKIP LOCKED)
       UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = $3, last_attempt_at = $1
       FROM due, webhook_endpoints e
       WHERE d.id = due.id AND e.id = d.endpoint_id
       RETURNING d.id, d.public_id, d.endpoint_id, d.merchant_id, d.event_type, d.member_id, d.body, d.attempts, d.created_at,
                 e.url, e.secret_enc, e.prev_secret_enc, e.prev_secret_until, e.failing_since`,
      [now, limit, leaseUntil],
    );
    return rows
      .map((r) => ({
        seq: String(r.id),
        publicId: r.public_id,
        endpointId: r.endpoint_id,
        merchantId: r.merchant_id,
        eventType: r.event_type,
        memberId: r.member_id,
        body: r.body,
        attempts: r.attempts,
        createdAt: r.created_at,
        url: r.url,
        secretEnc: r.secret_enc,
        prevSecretEnc: r.prev_secret_enc,
        prevSecretUntil: r.prev_secret_until,
        failingSince: r.failing_since,
      }))
      .sort((a, b) => Number(a.seq) - Number(b.seq));
  }

  /**
   * The heartbeat of a sender's attempts in flight: their leases now end at `until` (never
   * earlier than they did). Rows being recorded right now are skipped, not waited for, so the
   * heartbeat and a batched record never deadlock.
   */
  async renewLeases(held: [seq: string, attempts: number][], until: Date): Promise<void> {
    if (!held.length) return;
    await this.pool.query(
      `WITH h AS (
         SELECT w.id FROM webhook_deliveries w JOIN unnest($1::bigint[], $2::int[]) AS h(id, attempts) ON w.id = h.id AND w.attempts = h.attempts
         WHERE w.status = 'pending' AND w.next_attempt_at < $3
         FOR UPDATE OF w SKIP LOCKED)
       UPDATE webhook_deliveries w SET next_attempt_at = $3 FROM h WHERE w.id = h.id`,
      [held.map(([seq]) => seq), held.map(([, attempts]) => attempts), until],
    );
  }

  /**
   * The common case in one statement: deliveries answered 2xx by endpoints that were not failing.
   * Rows whose lease was lost (claimed again since) are left alone.
   */
  async recordDelivered(done: { d: ClaimedDelivery; status: number; body: string }[], now: Date): Promise<void> {
    if (!done.length) return;
    await this.pool.query(
      `UPDATE webhook_deliveries w SET status = 'delivered', last_status = r.status, last_error = NULL, last_body = r.body, delivered_at = $5
       FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[]) AS r(id, attempts, status, body)
       WHERE w.id = r.id AND w.attempts = r.attempts AND w.status = 'pending'`,
      [done.map((x) => x.d.seq), done.map((x) => x.d.attempts), done.map((x) => x.status), done.map((x) => x.body.slice(0, EXCERPT)), now],
    );
  }

  /**
   * Records an attempt's result, unless the lease was lost (another sender claimed it again).
   * Disabling the endpoint writes webhook_endpoint.disabled to the outbox in the same
   * transaction, so its owners hear of it exactly when it happened.
   */
  async record(d: ClaimedDelivery, result: AttemptResult, outcome: AttemptOutcome, now: Date): Promise<boolean> {
    const lastStatus = 'status' in result ? result.status : null;
    const lastError = 'error' in result ? result.error.slice(0, EXCERPT) : null;
    const lastBody = 'body' in result ? result.body.slice(0, EXCERPT) : null;
    return inTransaction(this.pool, async (client) => {
      const status = outcome.delivery === 'retry' ? 'pending' : outcome.delivery;
      const { rowCount } = await client.query(
        `UPDATE webhook_deliveries SET status = $3::"WebhookDeliveryStatus", last_status = $4, last_error = $5, last_body = $6,
           delivered_at = CASE WHEN $3::"WebhookDeliveryStatus" = 'delivered' THEN $7::timestamptz ELSE NULL END,
           next_attempt_at = coalesce($8, next_attempt_at)
         WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
        [d.seq, d.attempts, status, lastStatus, lastError, lastBody, now, outcome.delivery === 'retry' ? outcome.at : null],
      );
      if (!rowCount) return false;
      if (outcome.delivery === 'retry' && d.memberId)
        // The member's later deliveries cannot go before this one: they need not be looked at until then.
        await client.query(
          `UPDATE webhook_deliveries SET next_attempt_at = $4
           WHERE endpoint_id = $1 AND member_id = $2 AND status = 'pending' AND id > $3 AND next_attempt_at < $4`,
          [d.endpointId, d.memberId, d.seq, outcome.at],
        );
      if (outcome.delivery === 'delivered')
        await client.query('UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL', [d.endpointId]);
      else
        await client.query('UPDATE webhook_endpoints SET failing_since = $2 WHERE id = $1 AND failing_since IS NULL', [d.endpointId, now]);
      const disable = outcome.delivery === 'delivered' ? undefined : outcome.disable;
      if (disable) {
        const { rows } = await client.query(
          `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, disabled_at = $3, updated_at = $3
           WHERE id = $1 AND enabled RETURNING url, failing_since`,
          [d.endpointId, disable, now],
        );
        if (rows[0])
          await insertEvent(client, d.merchantId, 'webhook_endpoint.disabled', {
            endpoint_id: d.endpointId,
            url: rows[0].url,
            reason: disable,
            failing_since: rows[0].failing_since ? (rows[0].failing_since as Date).toISOString() : null,
          });
      }
      return true;
    });
  }
}
