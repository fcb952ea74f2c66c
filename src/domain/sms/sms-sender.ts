/**
 * The port every SMS provider implements (Kavenegar, SMS.ir, the local stand-in). One message
 * to one phone per call: the caller keeps a row per SMS and its state, so a provider never has
 * to deduplicate (Kavenegar still gets our row id as `localid`, which makes its side idempotent too).
 */
export interface SmsSender {
  /** kavenegar | smsir | local */
  readonly name: string;
  /** Sends `text` to `phone` (E.164); the provider's message id. Throws SmsSendError. */
  send(message: { id: string; phone: string; text: string }): Promise<{ providerMessageId: string }>;
  /** Delivery reports for messages this provider accepted (those it knows nothing of are left out). */
  reports(providerMessageIds: string[]): Promise<SmsReport[]>;
  /** Messages people sent to the line since the last call (opt-outs come this way). */
  inbound(): Promise<SmsInbound[]>;
}

export interface SmsReport {
  providerMessageId: string;
  /** pending: still on its way (no change); delivered / failed: final. */
  outcome: 'pending' | 'delivered' | 'failed';
  detail: string;
}

export interface SmsInbound {
  /** E.164 or any form normalizePhone accepts. */
  from: string;
  text: string;
}

/**
 * What went wrong, as the sender should act on it: `retry` (the provider or the network failed;
 * try again with backoff), `failed` (the provider refused this message: a bad number, no credit,
 * a blocked recipient; trying again will not help).
 */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly kind: 'retry' | 'failed',
    /** The provider's own code (Kavenegar return.status, SMS.ir status), for the log and the row. */
    readonly code?: number,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}
