import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import type { SecretBox } from '../../lib/secret-box.js';
import { hashApiKey } from '../../domain/merchants/credentials.js';
import { isUuid } from './merchant-store.js';

/**
 * Who is calling: API key → merchant, merchant → webhook secrets. Secrets are cached for a few
 * seconds (decrypting on every webhook is wasted work); a rotation is seen within `ttlMs`.
 * Both caches are bounded, and unknown merchant ids (anyone can send random ones) are kept in a
 * small cache of their own so they cannot push real merchants out.
 */
export class MerchantAuthStore {
  private readonly secrets: LRUCache<string, string[]>;
  private readonly unknown: LRUCache<string, true>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly box: SecretBox,
    private readonly ttlMs = 5_000,
    maxEntries = 10_000,
  ) {
    this.secrets = new LRUCache({ max: maxEntries, ttl: Math.max(ttlMs, 1) });
    this.unknown = new LRUCache({ max: Math.max(1, Math.floor(maxEntries / 10)), ttl: Math.max(ttlMs, 1) });
  }

  /** How many merchants' lookups are held in memory. */
  get cachedEntries(): number {
    return this.secrets.size + this.unknown.size;
  }

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
    if (hit) return hit;
    if (this.unknown.has(merchantId)) return null;
    const { rows } = await this.pool.query<{ webhook_secret_enc: string; prev_webhook_secret_enc: string | null }>(
      'SELECT webhook_secret_enc, prev_webhook_secret_enc FROM merchants WHERE id = $1',
      [merchantId],
    );
    const row = rows[0];
    if (!row) {
      if (this.ttlMs > 0) this.unknown.set(merchantId, true);
      return null;
    }
    const values = [row.webhook_secret_enc, row.prev_webhook_secret_enc].filter((v): v is string => !!v).map((v) => this.box.open(v));
    if (this.ttlMs > 0) this.secrets.set(merchantId, values);
    return values;
  }
}
