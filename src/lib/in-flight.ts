import { performance } from 'node:perf_hooks';

/**
 * Requests this process is serving right now, so background work in the same process (the
 * outbox relay under ROLE=all) can wait for a quiet moment instead of competing with them.
 */
export class InFlight {
  private count = 0;
  private lastEnd = Number.NEGATIVE_INFINITY;

  start(): void {
    this.count++;
  }

  end(): void {
    this.count = Math.max(0, this.count - 1);
    this.lastEnd = performance.now();
  }

  /** Whether a request is being served or one ended within the last `quietMs`. */
  busy(quietMs = 250): boolean {
    return this.count > 0 || performance.now() - this.lastEnd < quietMs;
  }
}
