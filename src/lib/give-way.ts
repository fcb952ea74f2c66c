import { performance } from 'node:perf_hooks';

/**
 * Background work beside the API in one process (ROLE=all) gives way to requests in flight:
 * while `isBusy()` says so, a round is skipped unless none ran for `maxDelayMs`, so the work is
 * only delayed, never starved.
 */
export class GiveWay {
  private lastRunAt = performance.now();
  /** Whether the process was busy at the last check (the outbox relay then takes a smaller batch). */
  busy = false;

  constructor(
    private readonly isBusy?: () => boolean,
    private readonly maxDelayMs = 5_000,
  ) {}

  /** Whether to skip this round; when not, the round counts as run now. */
  skipRound(): boolean {
    this.busy = this.isBusy?.() ?? false;
    if (this.busy && performance.now() - this.lastRunAt < this.maxDelayMs) return true;
    this.lastRunAt = performance.now();
    return false;
  }
}
