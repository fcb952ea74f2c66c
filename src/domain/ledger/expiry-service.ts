import { contentHash } from '../../lib/canonical-hash.js';
import { systemClock, type Clock } from '../clock.js';
import type { SettingsProvider } from '../merchants/settings.js';
import type { LedgerService } from './ledger-service.js';
import type { Currency } from './types.js';

export interface DueBucket {
  bucketId: number;
  merchantId: string;
  memberId: string;
  currency: Currency;
  remaining: number;
}

export interface ExpiryStore {
  dueBuckets(now: Date, limit: number, afterId: number): Promise<DueBucket[]>;
  /** Marks buckets expiring within `daysBefore` days and writes one reminder event per member and currency. */
  remindExpiring(merchantId: string, now: Date, daysBefore: number): Promise<number>;
  merchantIds(): Promise<string[]>;
}

/** Expiry of earn buckets, and reminders before it. */
export class ExpiryService {
  constructor(
    private readonly store: ExpiryStore,
    private readonly ledger: LedgerService,
    private readonly settings: SettingsProvider,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Writes an `expiry` entry for every bucket past its date; idempotent per bucket. */
  async expireDue(batch = 500): Promise<number> {
    const now = this.clock.now();
    let expired = 0;
    let afterId = 0;
    for (;;) {
      const due = await this.store.dueBuckets(now, batch, afterId);
      if (!due.length) return expired;
      for (const b of due) {
        await this.ledger.apply({
          merchantId: b.merchantId,
          memberId: b.memberId,
          idempotencyKey: `expiry:${b.bucketId}`,
          requestHash: contentHash({ expire: b.bucketId }),
          kind: 'expiry',
          actor: 'system',
          lines: [{ mode: 'expire', currency: b.currency, amount: b.remaining, bucketId: b.bucketId, reason: 'expiry' }],
        });
        expired++;
      }
      afterId = due[due.length - 1]!.bucketId;
    }
  }

  async remindExpiring(): Promise<number> {
    const now = this.clock.now();
    let sent = 0;
    for (const merchantId of await this.store.merchantIds()) {
      const { expiry } = await this.settings.get(merchantId);
      if (expiry.reminderDaysBefore > 0) sent += await this.store.remindExpiring(merchantId, now, expiry.reminderDaysBefore);
    }
    return sent;
  }
}
