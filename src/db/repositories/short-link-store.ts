import type pg from 'pg';
import type { ShortLinkStore } from '../../domain/links/short-links.js';

export class PgShortLinkStore implements ShortLinkStore {
  constructor(private readonly pool: pg.Pool) {}

  async put(merchantId: string, code: string, url: string): Promise<string> {
    const { rows } = await this.pool.query(
      `WITH ins AS (INSERT INTO short_links (code, merchant_id, url) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING RETURNING url)
       SELECT url FROM ins UNION ALL SELECT url FROM short_links WHERE code = $1 LIMIT 1`,
      [code, merchantId, url],
    );
    return rows[0].url;
  }

  async target(code: string): Promise<string | null> {
    const { rows } = await this.pool.query('SELECT url FROM short_links WHERE code = $1', [code]);
    return rows[0]?.url ?? null;
  }
}
