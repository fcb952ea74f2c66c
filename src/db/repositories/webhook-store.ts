import type pg from 'pg';
import type {
  DeliveryStatus,
  DisabledReason,
  EndpointPatch,
  NewDelivery,
  StoredEndpoint,
  WebhookDelivery,
  WebhookEndpointStore,
} from '../../domain/webhooks/types.js';
import { isUuid } from './merchant-store.js';

export const ENDPOINT_COLUMNS =
  'id, merchant_id, url, events, description, enabled, secret_enc, prev_secret_enc, prev_secret_until, disabled_reason, disabled_at, failing_since, created_at';

export const toEndpoint = (r: Record<string, unknown>): StoredEndpoint => ({
  id: r.id as string,
  merchantId: r.merchant_id as string,
  url: r.url as string,
  events: (r.events as string[] | null) ?? [],
  description: r.description as string | null,
  enabled: r.enabled as boolean,
  secretEnc: r.secret_enc as string,
  prevSecretEnc: r.prev_secret_enc as string | null,
  prevSecretUntil: r.prev_secret_until as Date | null,
  disabledReason: r.disabled_reason as DisabledReason | null,
  disabledAt: r.disabled_at as Date | null,
  failingSince: r.failing_since as Date | null,
  createdAt: r.created_at as Date,
});

const DELIVERY_COLUMNS =
  "id, public_id, endpoint_id, event_id, body::jsonb->>'id' AS public_event_id, event_type, member_id, status, attempts, next_attempt_at, last_attempt_at, last_status, last_error, last_body, delivered_at, replay_of, created_at";

const toDelivery = (r: Record<string, unknown>): WebhookDelivery => ({
  seq: String(r.id),
  id: r.public_id as string,
  endpointId: r.endpoint_id as string,
  eventId: r.public_event_id as string,
  outboxEventId: r.event_id === null ? null : String(r.event_id),
  eventType: r.event_type as string,
  memberId: r.member_id as string | null,
  status: r.status as DeliveryStatus,
  attempts: r.attempts as number,
  nextAttemptAt: r.status === 'pending' ? (r.next_attempt_at as Date) : null,
  lastAttemptAt: r.last_attempt_at as Date | null,
  lastStatus: r.last_status as number | null,
  lastError: r.last_error as string | null,
  lastBody: r.last_body as string | null,
  deliveredAt: r.delivered_at as Date | null,
  replayOf: r.replay_of === null ? null : String(r.replay_of),
  createdAt: r.created_at as Date,
});

/** Endpoints and what the API shows of their deliveries. */
export class PgWebhookStore implements WebhookEndpointStore {
  constructor(private readonly pool: pg.Pool) {}

  async countEndpoints(merchantId: string): Promise<number> {
    const { rows } = await this.pool.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE merchant_id = $1', [merchantId]);
    return rows[0].n;
  }

  async createEndpoint(input: Parameters<WebhookEndpointStore['createEndpoint']>[0]): Promise<StoredEndpoint> {
    const { rows } = await this.pool.query(
      `INSERT INTO webhook_endpoints (id, merchant_id, url, events, description, enabled, secret_enc, disabled_reason, disabled_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, CASE WHEN $5 THEN NULL ELSE 'merchant' END, CASE WHEN $5 THEN NULL ELSE now() END)
       RETURNING ${ENDPOINT_COLUMNS}`,
      [input.merchantId, input.url, input.events, input.description, input.enabled, input.secretEnc],
    );
    return toEndpoint(rows[0]);
  }

  async listEndpoints(merchantId: string): Promise<StoredEndpoint[]> {
    const { rows } = await this.pool.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE merchant_id = $1 ORDER BY created_at`, [
      merchantId,
    ]);
    return rows.map(toEndpoint);
  }

  async getEndpoint(merchantId: string, id: string): Promise<StoredEndpoint | null> {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE merchant_id = $1 AND id = $2`, [
      merchantId,
      id,
    ]);
    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  async updateEndpoint(merchantId: string, id: string, patch: EndpointPatch, now: Date): Promise<StoredEndpoint | null> {
    if (!isUuid(id)) return null;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        `UPDATE webhook_endpoints SET
           url = coalesce($3, url),
           events = coalesce($4, events),
           description = CASE WHEN $5 THEN $6 ELSE description END,
           enabled = coalesce($7, enabled),
           disabled_reason = CASE WHEN $7 IS NULL THEN disabled_reason WHEN $7 THEN NULL WHEN enabled THEN 'merchant' ELSE disabled_reason END,
           disabled_at = CASE WHEN $7 IS NULL THEN disabled_at WHEN $7 THEN NULL WHEN enabled THEN $8 ELSE disabled_at END,
           failing_since = CASE WHEN $7 AND NOT enabled THEN NULL ELSE failing_since END,
           updated_at = $8
         WHERE merchant_id = $1 AND id = $2
         RETURNING ${ENDPOINT_COLUMNS}`,
        [
          merchantId,
          id,
          patch.url ?? null,
          patch.events ?? null,
          patch.description !== undefined,
          patch.description ?? null,
          patch.enabled ?? null,
          now,
        ],
      );
      // Deliveries that waited while it was off are due again.
      if (rows[0] && patch.enabled === true)
        await client.query(
          "UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at > $2",
          [id, now],
        );
      await client.query('COMMIT');
      return rows[0] ? toEndpoint(rows[0]) : null;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async deleteEndpoint(merchantId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const { rowCount } = await this.pool.query('DELETE FROM webhook_endpoints WHERE merchant_id = $1 AND id = $2', [merchantId, id]);
    return (rowCount ?? 0) > 0;
  }

  async setSecrets(
    merchantId: string,
    id: string,
    s: { secretEnc: string; prevSecretEnc: string | null; prevSecretUntil: Date | null },
  ): Promise<void> {
    await this.pool.query(
      'UPDATE webhook_endpoints SET secret_enc = $3, prev_secret_enc = $4, prev_secret_until = $5, updated_at = now() WHERE merchant_id = $1 AND id = $2',
      [merchantId, id, s.secretEnc, s.prevSecretEnc, s.prevSecretUntil],
    );
  }

  async listDeliveries(
    merchantId: string,
    endpointId: string,
    opts: { status?: DeliveryStatus; limit: number; before?: string },
  ): Promise<WebhookDelivery[]> {
    const before = opts.before && isUuid(opts.before) ? opts.before : null;
    const { rows } = await this.pool.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
       WHERE merchant_id = $1 AND endpoint_id = $2 AND ($3::"WebhookDeliveryStatus" IS NULL OR status = $3)
         AND ($4::uuid IS NULL OR id < (SELECT id FROM webhook_deliveries WHERE public_id = $4))
       ORDER BY id DESC LIMIT $5`,
      [merchantId, endpointId, opts.status ?? null, before, opts.limit],
    );
    return rows.map(toDelivery);
  }

  async getDelivery(merchantId: string, publicId: string): Promise<(WebhookDelivery & { body: string }) | null> {
    if (!isUuid(publicId)) return null;
    const { rows } = await this.pool.query(
      `SELECT ${DELIVERY_COLUMNS}, body FROM webhook_deliveries WHERE merchant_id = $1 AND public_id = $2`,
      [merchantId, publicId],
    );
    return rows[0] ? { ...toDelivery(rows[0]), body: rows[0].body as string } : null;
  }

  async makeDue(seq: string, now: Date): Promise<void> {
    await this.pool.query("UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE id = $1 AND status = 'pending'", [seq, now]);
  }

  async insertDelivery(d: NewDelivery & { replayOf?: string }, now: Date): Promise<WebhookDelivery> {
    const { rows } = await this.pool.query(
      `INSERT INTO webhook_deliveries (public_id, endpoint_id, merchant_id, event_id, event_type, member_id, body, next_attempt_at, replay_of, created_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $7) RETURNING ${DELIVERY_COLUMNS}`,
      [d.endpointId, d.merchantId, d.eventId, d.eventType, d.memberId, d.body, now, d.replayOf ?? null],
    );
    return toDelivery(rows[0]);
  }
}
