import type { Container } from './container.js';
import type { RunningRole } from './roles.js';

/**
 * Telegram bots: long polling, or registering webhooks when PUBLIC_URL is set. They start in
 * the background: a Bot API out of reach must not hold up the other roles (it is retried, and
 * /readyz names the bot).
 */
export async function startBotRole(c: Container): Promise<RunningRole> {
  void c.telegram.start().then(
    (bots) => bots || c.logger.warn('no merchant has a Telegram bot yet: set TELEGRAM_BOT_TOKEN or use merchant create --telegram-token'),
    (err: Error) => c.logger.error({ err }, 'telegram bots could not be started'),
  );
  return { name: 'bot', stop: () => c.telegram.stop() };
}
