import type { WhatsAppNotifications } from '../../jobs/whatsapp-sender.js';
import { WhatsAppSendError } from './client.js';
import { sendWhatsApp, type WhatsAppChannel } from './whatsapp-channel.js';

/** Queued notifications go out from the club's running session; a number without WhatsApp is unreachable. */
export function whatsappNotifications(channel: WhatsAppChannel): WhatsAppNotifications {
  return {
    number: (merchantId) => channel.number(merchantId),
    async send({ merchantId, chatId, text, png, imageUrl, options, optionBase }) {
      const client = channel.client(merchantId);
      if (!client) throw new WhatsAppSendError('WhatsApp is not running for this club', 'not_ready');
      try {
        // Options first: a quick answer to the message must find them.
        if (options !== undefined) await channel.setOptions(merchantId, chatId, { options, optionBase, prompt: text });
        await sendWhatsApp(client, chatId, {
          text,
          image: png ? { png: Buffer.from(png, 'base64') } : imageUrl ? { url: imageUrl } : undefined,
        });
        return 'sent';
      } catch (err) {
        if (err instanceof WhatsAppSendError && err.kind === 'unreachable') return 'unreachable';
        throw err;
      }
    },
  };
}
