import type { WhatsAppRateLimiter } from '../../jobs/whatsapp-rate-limit.js';
import type { DeliveryChannel } from '../../jobs/broadcast-sender.js';
import { WhatsAppSendError } from './client.js';
import { renderScreen } from './render.js';
import { sendWhatsApp, type WhatsAppChannel } from './whatsapp-channel.js';
import { shortJoinLink } from './whatsapp-chat.js';
import type { ShortLinks } from '../../domain/links/short-links.js';

/**
 * Broadcasts on WhatsApp: the number's pace (recipients wrote to the club when they joined, so
 * they are not first contacts), a wa.me link carrying the campaign, and "stop" in words instead
 * of an opt-out button. A number without WhatsApp counts as blocked.
 */
export function whatsappDelivery(channel: WhatsAppChannel, limiter: WhatsAppRateLimiter, shortLinks: ShortLinks): DeliveryChannel {
  const numberOf = (merchantId: string) => {
    const number = channel.number(merchantId);
    if (!number) throw new WhatsAppSendError(`merchant ${merchantId} has no WhatsApp number running here`, 'not_ready');
    return number;
  };
  return {
    name: 'whatsapp',
    book: async (merchantId) => limiter.book(numberOf(merchantId), { cold: false }),
    clubLink: async (merchantId, campaignId, c) =>
      shortJoinLink(shortLinks, merchantId, numberOf(merchantId), c.t, c.clubName, `s_c${campaignId}`),
    async send(merchantId, chatId, screen, c) {
      const client = channel.client(merchantId);
      if (!client) throw new WhatsAppSendError('WhatsApp is not running', 'not_ready');
      // "Stop" is a word on WhatsApp; other actions (a survey) become the chat's numbered options.
      const buttons = (screen.buttons ?? []).map((row) => row.filter((b) => b.action?.kind !== 'promo.optOut')).filter((row) => row.length);
      const text = `${screen.text}\n\n${c.t('whatsapp.campaign_optout')}`;
      const view = renderScreen({ ...screen, text, buttons }, c.t, c.locale);
      await channel.setOptions(merchantId, chatId, {
        options: view.options,
        optionBase: view.optionBase,
        prompt: view.messages.at(-1)?.text,
      });
      for (const m of view.messages) await sendWhatsApp(client, chatId, m);
      return null;
    },
    failure: (err) =>
      err instanceof WhatsAppSendError && err.kind === 'unreachable' ? { kind: 'blocked', reason: err.message } : { kind: 'retry' },
    async pause() {},
  };
}
