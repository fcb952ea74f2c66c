import { PollPause } from '../../lib/poll-pause.js';
import type { Clock } from '../../domain/clock.js';
import { attemptOutcome } from '../../domain/webhooks/attempt-outcome.js';
import type { ClaimedDelivery, PgWebhookDeliveryStore } from '../../db/repositories/webhook-delivery-store.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { signatureHeader } from '../../lib/webhook-signature.js';
import type { Logger } from '../../logger.js';
import type { GuardedPoster } from './guarded-post.js';

export interface SenderOptions {
  /** Attempts in flight at once in this process. */
  concurrency?: number;
  pollMs?: number;
  /**
   * How long a claimed delivery is this sender's: past it, another sender may try it again (a
   * killed sender's). A heartbeat renews the lease of every attempt still in flight every quarter
   * of it, so an attempt may run its full 5 s timeout and be recorded, while a killed sender's
   * deliveries (and their members' later ones) wait at most this long. 4 s: three missed
   * heartbeats (a stalled event loop, a slow database) before an attempt may be sent twice.
   */
  leaseMs?: number;
  /** The pause after the n-th failure (default: exponential with jitter, attempt-outcome.ts). */
  delayMs?: (attempt: number) => number;
}

/**
 * Sends due deliveries: claims them (SKIP LOCKED, leased), signs each attempt, POSTs it through
 * the guarded poster and records what it means. Works the queue continuously: a slot that frees
 * up is refilled at once, so one slow endpoint does not hold up the others.
 */
export class WebhookSender {
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pause = new PollPause();
  private loop?: Promise<void>;
  /** 2xx answers waiting to be recorded together (one UPDATE for many). */
  private delivered: { d: ClaimedDelivery; status: number; body: string; done: (err?: Error) => void }[] = [];
  private flushing?: Promise<void>;
  /** Attempts in flight (seq → attempt number), whose leases the heartbeat renews. */
  private readonly leased = new Map<string, number>();
  private heartbeat?: ReturnType<typeof setInterval>;

  constructor(
    private readonly deps: { store: PgWebhookDeliveryStore; poster: GuardedPoster; secretBox: SecretBox; clock: Clock; logger: Logger },
    private readonly opts: SenderOptions = {},
  ) {}

  /** Claims what is due now and sends it; returns how many attempts were made. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim(this.concurrency);
    await Promise.all(claimed.map((d) => this.attempt(d)));
    return claimed.length;
  }

  /** Runs attempts until nothing is due (tests, with an injected clock). */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.runOnce(); n > 0; n = await this.runOnce()) total += n;
    return total;
  }

  /** Something new is due: look now instead of at the next poll. */
  poke(): void {
    this.pause.wake();
  }

  async start(): Promise<void> {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let claimed: ClaimedDelivery[] = [];
        try {
          claimed = await this.claim(this.concurrency - this.inFlight.size);
        } catch (err) {
          this.deps.logger.warn({ err: (err as Error).message }, 'webhook claim failed; retrying');
        }
        for (const d of claimed) {
          const p = this.attempt(d)
            .catch((err: Error) => this.deps.logger.warn({ delivery: d.publicId, err: err.message }, 'webhook attempt not recorded'))
            .finally(() => {
              this.inFlight.delete(p);
              this.pause.wake();
            });
          this.inFlight.add(p);
        }
        // Claim again once a quarter of the slots are free: one query for several rows.
        if (claimed.length && this.concurrency - this.inFlight.size >= Math.ceil(this.concurrency / 4)) continue;
        await this.pause.sleep(this.opts.pollMs ?? 100);
      }
    })();
  }

  /** Stops claiming and waits for the attempts in hand (each is at most the poster's timeout). */
  async stop(): Promise<void> {
    this.running = false;
    this.pause.wake();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  /** Queues a 2xx for the next batched UPDATE and resolves once it is written. */
  private recordDelivered(d: ClaimedDelivery, status: number, body: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.delivered.push({ d, status, body, done: (err) => (err ? reject(err) : resolve()) });
      this.flushing ??= (async () => {
        await new Promise((r) => setImmediate(r));
        while (this.delivered.length) {
          const batch = this.delivered.splice(0, 200);
          const err = await this.deps.store.recordDelivered(batch, this.deps.clock.now()).then(
            () => undefined,
            (e: Error) => e,
          );
          for (const x of batch) x.done(err);
        }
        this.flushing = undefined;
      })();
    });
  }

  private get concurrency(): number {
    return this.opts.concurrency ?? 16;
  }

  private get leaseMs(): number {
    return this.opts.leaseMs ?? 4_000;
  }

  private leaseEnd(): Date {
    return new Date(this.deps.clock.now().getTime() + this.leaseMs);
  }

  private claim(limit: number): Promise<ClaimedDelivery[]> {
    return this.deps.store.claim(limit, this.deps.clock.now(), this.leaseEnd());
  }

  /** Renews the leases of the attempts in flight while there are any (one UPDATE for all). */
  private hold(d: ClaimedDelivery): void {
    this.leased.set(d.seq, d.attempts);
    this.heartbeat ??= setInterval(() => {
      if (!this.leased.size) {
        clearInterval(this.heartbeat);
        this.heartbeat = undefined;
        return;
      }
      this.deps.store
        .renewLeases([...this.leased], this.leaseEnd())
        .catch((err: Error) => this.deps.logger.warn({ err: err.message }, 'webhook lease renewal failed; retrying'));
    }, this.leaseMs / 4);
    this.heartbeat.unref();
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    this.hold(d);
    try {
      await this.send(d);
    } finally {
      this.leased.delete(d.seq);
    }
  }

  private async send(d: ClaimedDelivery): Promise<void> {
    const sentAt = this.deps.clock.now();
    const timestamp = Math.floor(sentAt.getTime() / 1000);
    const secrets = [this.deps.secretBox.open(d.secretEnc)];
    if (d.prevSecretEnc && d.prevSecretUntil && d.prevSecretUntil > sentAt) secrets.push(this.deps.secretBox.open(d.prevSecretEnc));
    const result = await this.deps.poster.post(
      d.url,
      {
        'content-type': 'application/json',
        'user-agent': 'Bashgah-Webhooks/1',
        'x-bashgah-event': d.eventType,
        'x-bashgah-delivery': d.publicId,
        'x-bashgah-timestamp': String(timestamp),
        'x-bashgah-signature': signatureHeader(secrets, timestamp, d.body),
      },
      d.body,
    );
    const now = this.deps.clock.now();
    if ('status' in result && result.status >= 200 && result.status < 300 && !d.failingSince)
      return this.recordDelivered(d, result.status, result.body);
    const outcome = attemptOutcome({
      result,
      attempts: d.attempts,
      createdAt: d.createdAt,
      failingSince: d.failingSince,
      now,
      delayMs: this.opts.delayMs,
    });
    await this.deps.store.record(d, result, outcome, now);
    if (outcome.delivery !== 'delivered')
      this.deps.logger.info(
        {
          delivery: d.publicId,
          endpoint: d.endpointId,
          attempt: d.attempts,
          outcome: outcome.delivery,
          status: 'status' in result ? result.status : undefined,
          err: 'error' in result ? result.error : undefined,
        },
        'webhook attempt failed',
      );
  }
}
