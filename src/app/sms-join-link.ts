import type { Container } from './container.js';
import { shortJoinLink } from '../channels/whatsapp/whatsapp-chat.js';
import { translator } from '../chat/i18n.js';

/**
 * The link an SMS invites a phone to join with: the club's Telegram bot (`?start=s_sms`, so the
 * source is counted), else its WhatsApp number; shortened on the club's own host (every
 * character of an SMS costs). Null when the club runs no chat.
 */
export async function smsJoinLink(c: Container, merchantId: string): Promise<string | null> {
  const bot = await c.telegram.usernameOf(merchantId).catch(() => null);
  if (bot) return c.shortLinks.shorten(merchantId, `https://t.me/${bot}?start=s_sms`);
  const wa = (await c.merchants.whatsappAccounts()).find((a) => a.merchantId === merchantId);
  if (!wa) return null;
  const merchant = await c.merchants.get(merchantId);
  return shortJoinLink(c.shortLinks, merchantId, wa.number, translator(c.config.DEFAULT_LOCALE), merchant.name, 's_sms');
}
