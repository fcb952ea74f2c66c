import type { Container } from './container.js';
import type { RunningRole } from './roles.js';

/**
 * Telegram and Bale bots: long polling, or registering webhooks when PUBLIC_URL is set. They
 * start in the background: a Bot API out of reach must not hold up the other roles (it is
 * retried, and /readyz names the bot).
 */
export async function startBotRole(c: Container): Promise<RunningRole> {
  const telegram = c.telegram.start();
  const bale = c.bale.start();
  void Promise.all([telegram, bale]).then(
    ([tg, ble]) =>
      tg + ble ||
      c.logger.warn(
        'no merchant has a Telegram or Bale bot yet: set TELEGRAM_BOT_TOKEN / BALE_BOT_TOKEN or use merchant create --telegram-token / --bale-token',
      ),
    (err: Error) => c.logger.error({ err }, 'bots could not be started'),
  );
  return { name: 'bot', stop: () => Promise.all([c.telegram.stop(), c.bale.stop()]).then(() => undefined) };
}
