/**
 * What one delivery attempt means: 2xx ends it; 410 ends it and disables the endpoint; anything
 * else (another status, a timeout, a refused address) is retried with exponential backoff and
 * jitter until the delivery is 3 days old, then it has failed. An endpoint whose attempts have
 * all failed for 3 days is disabled.
 */
export const RETRY_WINDOW_MS = 3 * 86_400_000;
const FIRST_DELAY_MS = 15_000;
const MAX_DELAY_MS = 6 * 3_600_000;

/** The pause after the n-th failed attempt (1-based): 15 s doubling to at most 6 h, then a random part of it taken off (half at most). */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const full = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(full * (0.5 + random() / 2));
}

export type AttemptResult = { status: number; body: string } | { error: string };

export type AttemptOutcome =
  { delivery: 'delivered' } | { delivery: 'failed'; disable?: 'gone' | 'failing' } | { delivery: 'retry'; at: Date; disable?: 'failing' };

export function attemptOutcome(input: {
  result: AttemptResult;
  attempts: number;
  /** When the delivery was created: its 3 days count from there. */
  createdAt: Date;
  /** The endpoint's first failure since its last 2xx, if any (before this attempt). */
  failingSince: Date | null;
  now: Date;
  delayMs?: (attempt: number) => number;
}): AttemptOutcome {
  const { result, now } = input;
  if ('status' in result && result.status >= 200 && result.status < 300) return { delivery: 'delivered' };
  if ('status' in result && result.status === 410) return { delivery: 'failed', disable: 'gone' };
  const failingFor = now.getTime() - (input.failingSince ?? now).getTime();
  const disable = failingFor >= RETRY_WINDOW_MS ? ('failing' as const) : undefined;
  const at = new Date(now.getTime() + (input.delayMs ?? retryDelayMs)(input.attempts));
  if (at.getTime() - input.createdAt.getTime() > RETRY_WINDOW_MS) return { delivery: 'failed', disable };
  return { delivery: 'retry', at, disable };
}
