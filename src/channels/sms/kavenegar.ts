import { SmsSendError, type SmsInbound, type SmsReport, type SmsSender } from '../../domain/sms/sms-sender.js';
import { callProvider, nationalNumber } from './http.js';

/*
 * Kavenegar's REST API (https://api.kavenegar.com/v1/{API-KEY}/…), as read from its public SDKs
 * and examples:
 *  - verified: sms/send.json takes receptor, sender, message (form-encoded POST) and answers
 *    { return: { status, message }, entries: [{ messageid, status, statustext, … }] }, status 200
 *    meaning accepted; the API key is a path segment.
 *  - assumed from Kavenegar's documentation as we remember it (not re-checked here):
 *    `localid` makes a send idempotent (the same localid returns the first message instead of
 *    sending again); sms/status.json?messageid=a,b answers entries [{ messageid, status }] with
 *    10 delivered, 6/11/13/14/100 failed (failed, not delivered, cancelled, blocked by the
 *    recipient, unknown id), others on their way; sms/receive.json?linenumber=&isread=0 answers
 *    entries [{ messageid, message, sender, receptor, date }] and marks them read; return.status
 *    codes: 409 (server busy) and 5xx are temporary, 451 is "too many calls", and the 4xx
 *    codes (400 bad parameters, 401 account disabled, 403 wrong key, 411 bad receptor,
 *    412 bad sender, 413 message empty or too long, 414 too many receptors, 418 no credit,
 *    422 bad characters, 501 demo accounts send only to their owner) are final for that message.
 */
const RETRY_CODES = new Set([402, 409, 429, 451]);
const FAILED_STATUSES = new Set([6, 11, 13, 14, 100]);

interface KavenegarAnswer<T> {
  return?: { status?: number; message?: string };
  entries?: T[] | null;
}

export function kavenegarSender(opts: { apiKey: string; sender?: string; apiRoot?: string }): SmsSender {
  const root = `${(opts.apiRoot ?? 'https://api.kavenegar.com').replace(/\/$/, '')}/v1/${encodeURIComponent(opts.apiKey)}`;

  async function call<T>(path: string, init: RequestInit = {}): Promise<T[]> {
    const { status, body } = await callProvider(`${root}/${path}`, init);
    const answer = body as KavenegarAnswer<T>;
    const code = answer.return?.status ?? status;
    if (code === 200 && status < 300) return answer.entries ?? [];
    const kind = code >= 500 || RETRY_CODES.has(code) ? 'retry' : 'failed';
    throw new SmsSendError(`Kavenegar ${code}: ${answer.return?.message ?? 'error'}`, kind, code);
  }

  return {
    name: 'kavenegar',
    async send({ id, phone, text }) {
      const form = new URLSearchParams({ receptor: nationalNumber(phone), message: text, localid: id });
      if (opts.sender) form.set('sender', opts.sender);
      const [entry] = await call<{ messageid: number; status: number; statustext?: string }>('sms/send.json', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      if (!entry) throw new SmsSendError('Kavenegar accepted the call but returned no message', 'retry');
      if (FAILED_STATUSES.has(entry.status)) throw new SmsSendError(`Kavenegar refused: ${entry.statustext ?? entry.status}`, 'failed');
      return { providerMessageId: String(entry.messageid) };
    },
    async reports(ids) {
      const out: SmsReport[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const entries = await call<{ messageid: number; status: number; statustext?: string }>(
          `sms/status.json?messageid=${ids.slice(i, i + 500).join(',')}`,
        );
        for (const e of entries)
          out.push({
            providerMessageId: String(e.messageid),
            outcome: e.status === 10 ? 'delivered' : FAILED_STATUSES.has(e.status) ? 'failed' : 'pending',
            detail: e.statustext ?? String(e.status),
          });
      }
      return out;
    },
    async inbound() {
      if (!opts.sender) return [];
      const entries = await call<{ sender: string; message: string }>(
        `sms/receive.json?${new URLSearchParams({ linenumber: opts.sender, isread: '0' })}`,
      );
      return entries.map((e): SmsInbound => ({ from: e.sender, text: e.message }));
    },
  };
}
