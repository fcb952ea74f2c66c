import { createHash } from 'node:crypto';

export interface ShortLinkStore {
  /** Saves code → url unless the code exists; returns the url stored under the code. */
  put(merchantId: string, code: string, url: string): Promise<string>;
  target(code: string): Promise<string | null>;
}

const CODE_LENGTH = 10;

/** The same merchant and target give the same code (60 bits of a hash): sharing a link twice does not make a new row. */
export function shortCode(merchantId: string, url: string): string {
  return createHash('sha256').update(`${merchantId}\n${url}`).digest('base64url').slice(0, CODE_LENGTH);
}

/**
 * Short links on the club's own host (`<base>/j/<code>`) for long ones, e.g. a wa.me link with a
 * prefilled Persian join text (268 characters as percent-encoded URL, 808 with a campaign).
 */
export class ShortLinks {
  constructor(
    private readonly store: ShortLinkStore,
    /** PUBLIC_URL, or http://localhost:PORT. */
    private readonly baseUrl: string,
  ) {}

  async shorten(merchantId: string, url: string): Promise<string> {
    const code = shortCode(merchantId, url);
    const stored = await this.store.put(merchantId, code, url);
    // A hash collision between two different targets: keep the long link rather than send the wrong one.
    if (stored !== url) return url;
    return `${this.baseUrl.replace(/\/$/, '')}/j/${code}`;
  }

  target(code: string): Promise<string | null> {
    return this.store.target(code);
  }
}
