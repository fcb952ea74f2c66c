import type { Container } from './container.js';
import type { RunningRole } from './roles.js';

/** Telegram bots: long polling, or registering webhooks when PUBLIC_URL is set. */
export async function startBotRole(c: Container): Promise<RunningRole> {
  const bots = await c.telegram.start();
  if (!bots) c.logger.warn('no merchant has a Telegram bot yet: set TELEGRAM_BOT_TOKEN or use merchant create --telegram-token');
  return { name: 'bot', stop: () => c.telegram.stop() };
}
