import type pg from 'pg';
import type { SecretBox } from '../../lib/secret-box.js';
import { hashApiKey } from '../../domain/merchants/credentials.js';
import { isUuid } from './merchant-store.js';

/**
 * Who is calling: API key → merchant, merchant → webhook secrets. Secrets are cached for a few
 * seconds (decrypting on every webhook is wasted work); a rotation is seen within `ttlMs`.
 */
export class MerchantAuthStore {
  private readonly secrets = new Map<string, { values: string[] | null; until: number }>();

  constructor(private readonly pool: pg.Pool, private readonly box: SecretBox, private readonly ttlMs = 5_000) {}

  async merchantForApiKey(apiKey: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ merchant_id: string }>(
      'SELECT merchant_id FROM api_keys WHERE hash = $1 AND revoked_at IS NULL',
      [hashApiKey(apiKey)],
    );
    return rows[0]?.merchant_id ?? null;
  }

  /** The secrets a webhook may be signed with (current first); null for an unknown merchant. */
  async webhookSecrets(merchantId: string): Promise<string[] | null> {
    if (!isUuid(merchantId)) return null;
    const hit = this.secrets.get(merchantId);
    if (hit && hit.until > Date.now()) return hit.values;
    const { rows } = await this.pool.query<{ webhook_secret_enc: string; prev_webhook_secret_enc: string | null }>(
      'SELECT webhook_secret_enc, prev_webhook_secret_enc FROM merchants WHERE id = $1',
      [merchantId],
    );
    const row = rows[0];
    const values = row ? [row.webhook_secret_enc, row.prev_webhook_secret_enc].filter((v): v is string => !!v).map((v) => this.box.open(v)) : null;
    this.secrets.set(merchantId, { values, until: Date.now() + this.ttlMs });
    return values;
  }
}
