import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import { notFound } from '../../domain/errors.js';
import { merchantSettingsSchema, type MerchantSettings, type SettingsProvider } from '../../domain/merchants/settings.js';
import { parseInput } from '../../domain/validation.js';
import { mergePatch } from '../../lib/merge-patch.js';
import { inTransaction } from '../transaction.js';

/**
 * Merchant settings, validated on the way in and cached briefly on the way out: a purchase
 * reads them on every call, and a change reaches every replica within `ttlMs`.
 */
export class PgSettingsStore implements SettingsProvider {
  private readonly cache: LRUCache<string, MerchantSettings>;

  constructor(
    private readonly pool: pg.Pool,
    ttlMs = 5_000,
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: ttlMs });
  }

  async get(merchantId: string): Promise<MerchantSettings> {
    const hit = this.cache.get(merchantId);
    if (hit) return hit;
    const { rows } = await this.pool.query<{ settings: unknown }>('SELECT settings FROM merchants WHERE id = $1', [merchantId]);
    if (!rows[0]) throw notFound('merchant_not_found', 'No such merchant');
    const parsed = merchantSettingsSchema.safeParse(rows[0].settings);
    if (!parsed.success) throw new Error(`Stored settings of merchant ${merchantId} are invalid: ${parsed.error.issues[0]?.message}`);
    this.cache.set(merchantId, parsed.data);
    return parsed.data;
  }

  /** Replaces the settings after validating them; returns them with defaults filled in. */
  async set(merchantId: string, input: unknown): Promise<MerchantSettings> {
    const settings = parseInput(merchantSettingsSchema, input, 'invalid_settings', 'settings');
    const { rowCount } = await this.pool.query('UPDATE merchants SET settings = $2, updated_at = now() WHERE id = $1', [
      merchantId,
      JSON.stringify(settings),
    ]);
    if (!rowCount) throw notFound('merchant_not_found', 'No such merchant');
    this.cache.delete(merchantId);
    return settings;
  }

  /** Changes only what the patch names (JSON Merge Patch: null removes, arrays replace); the result is validated whole. */
  async patch(merchantId: string, patch: unknown): Promise<MerchantSettings> {
    const settings = await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ settings: unknown }>('SELECT settings FROM merchants WHERE id = $1 FOR UPDATE', [merchantId]);
      if (!rows[0]) throw notFound('merchant_not_found', 'No such merchant');
      const next = parseInput(merchantSettingsSchema, mergePatch(rows[0].settings ?? {}, patch), 'invalid_settings', 'settings');
      await client.query('UPDATE merchants SET settings = $2, updated_at = now() WHERE id = $1', [merchantId, JSON.stringify(next)]);
      return next;
    });
    this.cache.delete(merchantId);
    return settings;
  }
}
