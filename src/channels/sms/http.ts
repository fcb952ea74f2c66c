import { SmsSendError } from '../../domain/sms/sms-sender.js';

/** Provider calls give up after this long; the job retries with backoff. */
const TIMEOUT_MS = 15_000;

/** A provider's JSON answer with its HTTP status; a network failure or a non-JSON body is worth a retry. */
export async function callProvider(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new SmsSendError(`SMS provider out of reach: ${(err as Error).message}`, 'retry');
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new SmsSendError(`SMS provider answered HTTP ${res.status} without JSON`, 'retry');
  }
}

/** Iranian providers take the national form (09121234567); other countries keep 00 and their code. */
export function nationalNumber(e164: string): string {
  return e164.startsWith('+98') ? `0${e164.slice(3)}` : `00${e164.replace(/^\+/, '')}`;
}
