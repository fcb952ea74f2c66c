/** Outgoing webhooks: a merchant's endpoint and the deliveries of events to it. */

export const DISABLED_REASONS = ['merchant', 'gone', 'failing'] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookEndpoint {
  id: string;
  merchantId: string;
  url: string;
  /** Catalogue event types, or ['*']. */
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: DisabledReason | null;
  disabledAt: Date | null;
  failingSince: Date | null;
  /** While set and in the future, deliveries are signed with the previous secret too. */
  prevSecretUntil: Date | null;
  createdAt: Date;
}

/** The endpoint as stored, with its sealed secrets. */
export interface StoredEndpoint extends WebhookEndpoint {
  secretEnc: string;
  prevSecretEnc: string | null;
}

export interface WebhookDelivery {
  /** Internal order; the API shows publicId. */
  seq: string;
  id: string;
  endpointId: string;
  /** The body's `id`: evt_<outbox id>, or evt_test_… */
  eventId: string;
  outboxEventId: string | null;
  eventType: string;
  memberId: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  lastBody: string | null;
  deliveredAt: Date | null;
  replayOf: string | null;
  createdAt: Date;
}

export interface EndpointPatch {
  url?: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
}

export interface NewDelivery {
  endpointId: string;
  merchantId: string;
  eventId: string | null;
  eventType: string;
  memberId: string | null;
  body: string;
}

/** Where endpoints and their deliveries are kept (PostgreSQL). */
export interface WebhookEndpointStore {
  countEndpoints(merchantId: string): Promise<number>;
  createEndpoint(input: {
    merchantId: string;
    url: string;
    events: string[];
    description: string | null;
    enabled: boolean;
    secretEnc: string;
  }): Promise<StoredEndpoint>;
  listEndpoints(merchantId: string): Promise<StoredEndpoint[]>;
  getEndpoint(merchantId: string, id: string): Promise<StoredEndpoint | null>;
  /** Enabling clears why it was disabled and makes its waiting deliveries due at `now`. */
  updateEndpoint(merchantId: string, id: string, patch: EndpointPatch, now: Date): Promise<StoredEndpoint | null>;
  deleteEndpoint(merchantId: string, id: string): Promise<boolean>;
  setSecrets(
    merchantId: string,
    id: string,
    secrets: { secretEnc: string; prevSecretEnc: string | null; prevSecretUntil: Date | null },
  ): Promise<void>;
  listDeliveries(
    merchantId: string,
    endpointId: string,
    opts: { status?: DeliveryStatus; limit: number; before?: string },
  ): Promise<WebhookDelivery[]>;
  getDelivery(merchantId: string, publicId: string): Promise<(WebhookDelivery & { body: string }) | null>;
  /** A pending delivery becomes due at `now`. */
  makeDue(seq: string, now: Date): Promise<void>;
  insertDelivery(delivery: NewDelivery & { replayOf?: string }, now: Date): Promise<WebhookDelivery>;
}
