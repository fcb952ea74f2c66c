import { createHmac } from 'node:crypto';

/** HMAC-SHA256 of `timestamp + "." + rawBody`, hex: the signature of webhooks both ways (shops to us, us to merchants). */
export function signWebhook(secret: string, timestamp: number | string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** `v1=<hex>` for each secret, comma-separated: the newest first, then any still in its rotation overlap. */
export function signatureHeader(secrets: string[], timestamp: number | string, rawBody: string): string {
  return secrets.map((s) => `v1=${signWebhook(s, timestamp, rawBody)}`).join(',');
}
