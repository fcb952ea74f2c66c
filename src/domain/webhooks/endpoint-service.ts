import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { invalid, notFound, unprocessable } from '../errors.js';
import { isEventType } from '../events/catalog.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { webhookUrlProblem } from '../../lib/public-address.js';
import { eventBody, sampleEvent } from './envelope.js';
import type { DeliveryStatus, EndpointPatch, StoredEndpoint, WebhookDelivery, WebhookEndpoint, WebhookEndpointStore } from './types.js';

export const MAX_ENDPOINTS = 16;
const MAX_OVERLAP_HOURS = 7 * 24;

const eventsList = z.array(z.string().min(1).max(64)).min(1).max(64);

/** The endpoint without its secrets, and with the secret once (creation, rotation). */
export type EndpointView = WebhookEndpoint & { secret?: string };

/**
 * A merchant's webhook endpoints: each has its own signing secret (shown once), rotated with an
 * overlap during which deliveries carry both signatures. URLs must be http(s) on a public address
 * unless private ones are allowed (WEBHOOKS_ALLOW_PRIVATE); names are checked again when sending.
 */
export class WebhookEndpointService {
  constructor(private readonly deps: { store: WebhookEndpointStore; secretBox: SecretBox; clock: Clock; allowPrivate: boolean }) {}

  async create(
    merchantId: string,
    input: { url: string; events: string[]; description?: string | null; enabled?: boolean },
  ): Promise<EndpointView & { secret: string }> {
    this.checkUrl(input.url);
    const events = this.checkEvents(input.events);
    if ((await this.deps.store.countEndpoints(merchantId)) >= MAX_ENDPOINTS) throw unprocessable('too_many_webhook_endpoints');
    const secret = newSigningSecret();
    const stored = await this.deps.store.createEndpoint({
      merchantId,
      url: input.url,
      events,
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      secretEnc: this.deps.secretBox.seal(secret),
    });
    return { ...view(stored), secret };
  }

  async list(merchantId: string): Promise<EndpointView[]> {
    return (await this.deps.store.listEndpoints(merchantId)).map(view);
  }

  async get(merchantId: string, id: string): Promise<EndpointView> {
    return view(await this.stored(merchantId, id));
  }

  async update(merchantId: string, id: string, patch: EndpointPatch): Promise<EndpointView> {
    if (patch.url !== undefined) this.checkUrl(patch.url);
    const events = patch.events === undefined ? undefined : this.checkEvents(patch.events);
    const updated = await this.deps.store.updateEndpoint(merchantId, id, { ...patch, events }, this.deps.clock.now());
    if (!updated) throw notFound('webhook_endpoint_not_found');
    return view(updated);
  }

  async remove(merchantId: string, id: string): Promise<void> {
    if (!(await this.deps.store.deleteEndpoint(merchantId, id))) throw notFound('webhook_endpoint_not_found');
  }

  /** A new secret; the current one keeps signing beside it for `overlapHours` (0: at once only the new one). */
  async rotateSecret(merchantId: string, id: string, overlapHours: number): Promise<EndpointView & { secret: string }> {
    if (!Number.isFinite(overlapHours) || overlapHours < 0 || overlapHours > MAX_OVERLAP_HOURS)
      throw invalid('validation_failed', `overlap_hours is 0 to ${MAX_OVERLAP_HOURS}`);
    const current = await this.stored(merchantId, id);
    const secret = newSigningSecret();
    const until = overlapHours > 0 ? new Date(this.deps.clock.now().getTime() + overlapHours * 3_600_000) : null;
    await this.deps.store.setSecrets(merchantId, id, {
      secretEnc: this.deps.secretBox.seal(secret),
      prevSecretEnc: until ? current.secretEnc : null,
      prevSecretUntil: until,
    });
    return { ...view({ ...current, prevSecretUntil: until }), secret };
  }

  async deliveries(
    merchantId: string,
    endpointId: string,
    opts: { status?: DeliveryStatus; limit?: number; before?: string } = {},
  ): Promise<WebhookDelivery[]> {
    await this.stored(merchantId, endpointId);
    return this.deps.store.listDeliveries(merchantId, endpointId, { ...opts, limit: Math.min(Math.max(opts.limit ?? 50, 1), 100) });
  }

  /**
   * Sends a delivery again: a pending one is made due now; a delivered or failed one is replayed
   * as a new delivery of the same event (same body and event id, a new X-Bashgah-Delivery), queued
   * after the member's other deliveries to that endpoint.
   */
  async retry(merchantId: string, deliveryId: string): Promise<WebhookDelivery> {
    const d = await this.deps.store.getDelivery(merchantId, deliveryId);
    if (!d) throw notFound('webhook_delivery_not_found');
    const now = this.deps.clock.now();
    if (d.status === 'pending') {
      await this.deps.store.makeDue(d.seq, now);
      return { ...d, nextAttemptAt: now };
    }
    return this.deps.store.insertDelivery(
      {
        endpointId: d.endpointId,
        merchantId,
        eventId: d.outboxEventId,
        eventType: d.eventType,
        memberId: d.memberId,
        body: d.body,
        replayOf: d.seq,
      },
      now,
    );
  }

  /** Queues a sample purchase.recorded (id `evt_test_…`, made-up member) for the endpoint, whatever events it takes. */
  async sendTest(merchantId: string, endpointId: string): Promise<WebhookDelivery> {
    await this.stored(merchantId, endpointId);
    const now = this.deps.clock.now();
    const { type, event } = sampleEvent(now);
    const body = eventBody(event, `evt_test_${randomBytes(8).toString('hex')}`, now);
    return this.deps.store.insertDelivery({ endpointId, merchantId, eventId: null, eventType: type, memberId: null, body }, now);
  }

  private async stored(merchantId: string, id: string): Promise<StoredEndpoint> {
    const found = await this.deps.store.getEndpoint(merchantId, id);
    if (!found) throw notFound('webhook_endpoint_not_found');
    return found;
  }

  private checkUrl(url: string) {
    if (url.length > 2048) throw invalid('invalid_webhook_url', 'The URL is longer than 2048 characters');
    const problem = webhookUrlProblem(url, this.deps.allowPrivate);
    if (problem === 'private_address') throw unprocessable('webhook_url_not_allowed');
    if (problem) throw invalid('invalid_webhook_url');
  }

  private checkEvents(events: string[]): string[] {
    const parsed = eventsList.safeParse(events);
    if (!parsed.success) throw invalid('unknown_event_type', 'events is a list of 1–64 event types, or ["*"]');
    const unique = [...new Set(parsed.data)];
    if (unique.includes('*')) return ['*'];
    const unknown = unique.filter((e) => !isEventType(e));
    if (unknown.length) throw invalid('unknown_event_type', `Not an event type: ${unknown.join(', ')}`, { unknown });
    return unique.sort();
  }
}

/** `whsec_` and 32 random bytes: the key of the endpoint's HMAC-SHA256 signatures. */
function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function view(e: StoredEndpoint): WebhookEndpoint {
  const { secretEnc: _s, prevSecretEnc: _p, ...rest } = e;
  return rest;
}

/** Whether an endpoint takes an event type. */
export const endpointTakes = (events: string[], type: string) => events.includes('*') || events.includes(type);
