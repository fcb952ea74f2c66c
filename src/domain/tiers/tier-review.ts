import { tehranDay } from '../../lib/jalali.js';
import { systemClock, type Clock } from '../clock.js';
import type { SettingsProvider } from '../merchants/settings.js';
import { tierOptions } from './tiers.js';

export interface TierReviewStore {
  /** Moves members whose qualifying points no longer reach their tier down, with an event each. */
  downgrade(merchantId: string, tiers: ReturnType<typeof tierOptions>, day: string): Promise<number>;
  merchantIds(): Promise<string[]>;
}

/** Upgrades happen in the ledger at once; this scheduled review only moves members down. */
export class TierReviewService {
  constructor(
    private readonly store: TierReviewStore,
    private readonly settings: SettingsProvider,
    private readonly clock: Clock = systemClock,
  ) {}

  async review(): Promise<number> {
    const day = tehranDay(this.clock.now());
    let moved = 0;
    for (const merchantId of await this.store.merchantIds()) {
      const { tiers } = await this.settings.get(merchantId);
      moved += await this.store.downgrade(merchantId, tierOptions(tiers), day);
    }
    return moved;
  }
}
