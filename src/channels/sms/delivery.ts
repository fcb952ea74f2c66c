import type { DeliveryChannel } from '../../jobs/broadcast-sender.js';
import type { SmsService } from '../../domain/sms/sms-service.js';
import { SmsSendError } from '../../domain/sms/sms-sender.js';

/**
 * Broadcasts by SMS: the delivery row's send hands the message to the SMS queue (one SMS row per
 * broadcast and member, key `bc:<broadcast>:<member>`), which keeps the quiet hours, the daily
 * cap, the opt-outs and the provider's retries; a failed SMS marks the delivery row failed. Only
 * the text and link buttons go (an SMS has no buttons, and every part costs): no photo, no
 * tracked link back into the club.
 */
export function smsDelivery(sms: SmsService): DeliveryChannel {
  return {
    name: 'sms',
    book: async () => ({ ok: true }),
    clubLink: async () => null,
    async send(merchantId, phone, screen, _c, delivery) {
      if (!sms.enabled) throw new SmsSendError('SMS is off (SMS_PROVIDER=none)', 'failed');
      const links = (screen.buttons ?? []).flat().filter((b) => b.url);
      const text = [screen.text, ...links.map((b) => `${b.label}: ${b.url}`)].join('\n');
      await sms.send({
        merchantId,
        memberId: delivery?.memberId ?? null,
        phone,
        kind: 'broadcast',
        key: delivery ? `bc:${delivery.broadcastId}:${delivery.memberId}` : `bc:${phone}:${text.length}`,
        text,
        promotional: true,
        broadcastId: delivery?.broadcastId ?? null,
      });
      return null;
    },
    failure: (err) => (err instanceof SmsSendError && err.kind === 'failed' ? { kind: 'failed', reason: err.message } : { kind: 'retry' }),
    async pause() {},
  };
}
