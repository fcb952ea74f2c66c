import { SmsSendError, type SmsReport, type SmsSender } from '../../domain/sms/sms-sender.js';
import { callProvider, nationalNumber } from './http.js';

/*
 * SMS.ir's REST API v1 (https://api.sms.ir/v1/…, key in the X-API-KEY header), as read from
 * public clients of it:
 *  - verified: POST send/bulk with JSON { lineNumber, messageText, mobiles: [...], sendDateTime:
 *    null } answers { status, message, data: { packId, messageIds: [..], cost } }, status 1
 *    meaning done; GET send/{messageId} answers data { messageId, mobile, deliveryState,
 *    deliveryDateTime, … }; GET receive/latest?count= answers data [{ number, messageText,
 *    mobile, receivedDateTime }].
 *  - assumed from SMS.ir's documentation as we remember it (not re-checked here): deliveryState
 *    1 delivered to the phone, 2 not delivered, 3 and 5 on their way (at the telecom / the
 *    operator), 4 never reached the telecom, 6 failed, 7 on the blacklist; status codes 0
 *    (server error) and HTTP 429/5xx are temporary, other non-1 statuses (10 wrong key, 11 key
 *    disabled, 13 account inactive, 101 wrong line, 102 no credit, 104 bad number…) final.
 *  SMS.ir has no idempotency key: a send whose answer is lost stays `sending` and becomes
 *  `unknown`, never sent again.
 */
const DELIVERED = new Set([1]);
const FAILED = new Set([2, 4, 6, 7]);

interface SmsIrAnswer<T> {
  status?: number;
  message?: string;
  data?: T | null;
}

export function smsIrSender(opts: { apiKey: string; sender?: string; apiRoot?: string }): SmsSender {
  const root = `${(opts.apiRoot ?? 'https://api.sms.ir').replace(/\/$/, '')}/v1`;
  const headers = { 'x-api-key': opts.apiKey, accept: 'application/json', 'content-type': 'application/json' };

  async function call<T>(path: string, init: RequestInit = {}): Promise<T | null> {
    const { status, body } = await callProvider(`${root}/${path}`, { ...init, headers });
    const answer = body as SmsIrAnswer<T>;
    if (answer.status === 1 && status < 300) return answer.data ?? null;
    const code = answer.status ?? status;
    const kind = status === 429 || status >= 500 || answer.status === 0 ? 'retry' : 'failed';
    throw new SmsSendError(`SMS.ir ${code}: ${answer.message ?? `HTTP ${status}`}`, kind, code);
  }

  return {
    name: 'smsir',
    async send({ phone, text }) {
      if (!opts.sender) throw new SmsSendError('SMS.ir needs SMS_SENDER (the line number)', 'failed');
      const data = await call<{ packId: string; messageIds: number[] }>('send/bulk', {
        method: 'POST',
        body: JSON.stringify({ lineNumber: Number(opts.sender), messageText: text, mobiles: [nationalNumber(phone)], sendDateTime: null }),
      });
      const id = data?.messageIds?.[0];
      if (id === undefined) throw new SmsSendError('SMS.ir accepted the call but returned no message id', 'retry');
      return { providerMessageId: String(id) };
    },
    async reports(ids) {
      const out: SmsReport[] = [];
      for (const id of ids) {
        const data = await call<{ messageId: number; deliveryState: number }>(`send/${encodeURIComponent(id)}`).catch(() => null);
        if (!data) continue;
        const s = data.deliveryState;
        out.push({
          providerMessageId: id,
          outcome: DELIVERED.has(s) ? 'delivered' : FAILED.has(s) ? 'failed' : 'pending',
          detail: `deliveryState ${s}`,
        });
      }
      return out;
    },
    async inbound() {
      const data = await call<{ mobile: string; messageText: string }[]>('receive/latest?count=100');
      return (data ?? []).map((m) => ({ from: m.mobile, text: m.messageText }));
    },
  };
}
