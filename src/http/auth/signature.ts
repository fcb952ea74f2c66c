import { createHmac, timingSafeEqual } from 'node:crypto';
import { signWebhook } from '../../lib/webhook-signature.js';

export { signWebhook };

export type SignatureCheck = 'ok' | 'missing_signature' | 'stale_timestamp' | 'invalid_signature';

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks `X-Bashgah-Signature: v1=<hex>[,v1=<hex>…]` against every secret we accept (current
 * and, during a rotation, previous), in constant time, and the timestamp against our clock.
 */
export function verifyWebhookSignature(input: {
  secrets: string[];
  timestamp: string | undefined;
  header: string | undefined;
  rawBody: string;
  nowSeconds: number;
  toleranceSeconds: number;
}): SignatureCheck {
  if (!input.header || !input.timestamp) return 'missing_signature';
  if (!/^\d{1,12}$/.test(input.timestamp)) return 'stale_timestamp';
  if (Math.abs(input.nowSeconds - Number(input.timestamp)) > input.toleranceSeconds) return 'stale_timestamp';
  const provided = input.header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.startsWith('v1='))
    .map((p) => p.slice(3).toLowerCase());
  if (!provided.length) return 'missing_signature';
  let match = false;
  for (const secret of input.secrets) {
    const expected = signWebhook(secret, input.timestamp, input.rawBody);
    // Compare against every value without stopping early: timing says nothing about which matched.
    for (const p of provided) if (equalHex(p, expected)) match = true;
  }
  return match ? 'ok' : 'invalid_signature';
}

/** WooCommerce: `X-WC-Webhook-Signature` = base64 HMAC-SHA256 of the raw body. */
export function verifyWooSignature(secrets: string[], header: string | undefined, rawBody: string): boolean {
  if (!header) return false;
  let match = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest('base64');
    if (equalHex(header.trim(), expected)) match = true;
  }
  return match;
}
