import { PollPause } from '../../lib/poll-pause.js';
import { GiveWay } from '../../lib/give-way.js';
import { memberOf, parseEvent } from '../../domain/events/catalog.js';
import type { Clock } from '../../domain/clock.js';
import { endpointTakes } from '../../domain/webhooks/endpoint-service.js';
import { eventBody, publicEventId } from '../../domain/webhooks/envelope.js';
import type { NewDelivery } from '../../domain/webhooks/types.js';
import type { FanOutEndpoint, OutboxRow, PgWebhookDeliveryStore } from '../../db/repositories/webhook-delivery-store.js';
import type { Logger } from '../../logger.js';

/** The deliveries of a batch of outbox rows: each event that fits the catalogue, for every endpoint of its merchant that takes its type. */
export function deliveriesFor(rows: OutboxRow[], endpoints: FanOutEndpoint[], logger?: Logger): NewDelivery[] {
  const out: NewDelivery[] = [];
  for (const row of rows) {
    const targets = endpoints.filter((e) => e.merchantId === row.merchantId && endpointTakes(e.events, row.type));
    if (!targets.length) continue;
    const parsed = parseEvent(row.type, row.payload);
    if (!parsed.ok) {
      logger?.error({ event: row.type, id: row.id, problem: parsed.problem }, 'event does not fit its schema; not sent to webhooks');
      continue;
    }
    const body = eventBody(parsed.event, publicEventId(row.id), row.createdAt);
    const memberId = memberOf(parsed.event);
    for (const e of targets)
      out.push({ endpointId: e.id, merchantId: row.merchantId, eventId: row.id, eventType: row.type, memberId, body });
  }
  return out;
}

/**
 * A second consumer of the outbox (beside the BullMQ relay): committed rows become delivery rows
 * in the same transaction that marks them (webhooks_at), so none is lost after a commit and a
 * rolled-back change never had a row. Polls every `pollMs`, at once again after a full batch.
 */
export class WebhookFanOut {
  private running = false;
  private readonly pause = new PollPause();
  private loop?: Promise<void>;

  private readonly giveWay: GiveWay;

  constructor(
    private readonly store: PgWebhookDeliveryStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: {
      batch?: number;
      pollMs?: number;
      onDeliveries?: () => void;
      /** Beside the API in one process: while it says busy, fan out at most one batch every `maxDelayMs`. */
      yieldWhile?: () => boolean;
      maxDelayMs?: number;
    } = {},
  ) {
    this.giveWay = new GiveWay(opts.yieldWhile, opts.maxDelayMs);
  }

  /** Fans out everything pending; returns how many deliveries were made. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { events, deliveries } = await this.runOnce();
      total += deliveries;
      if (events === 0) return total;
    }
  }

  async runOnce(): Promise<{ events: number; deliveries: number }> {
    const out = await this.store.fanOut(this.opts.batch ?? 500, this.clock.now(), (rows, endpoints) =>
      deliveriesFor(rows, endpoints, this.logger),
    );
    if (out.deliveries) this.opts.onDeliveries?.();
    return out;
  }

  async start(): Promise<void> {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let events = 0;
        // Like the outbox relay: requests of the same process go first; nothing is lost, only delayed.
        if (this.giveWay.skipRound()) {
          await this.pause.sleep(this.opts.pollMs ?? 100);
          continue;
        }
        try {
          events = (await this.runOnce()).events;
        } catch (err) {
          this.logger.warn({ err: (err as Error).message }, 'webhook fan-out failed; retrying');
        }
        if (events >= (this.opts.batch ?? 500)) continue;
        await this.pause.sleep(this.opts.pollMs ?? 100);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.pause.wake();
    await this.loop;
  }
}
