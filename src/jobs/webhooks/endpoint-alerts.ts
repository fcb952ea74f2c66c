import { translator, type Locale } from '../../chat/i18n.js';
import { formatDateTime } from '../../chat/format.js';
import type { OperatorService } from '../../domain/admin/operator-service.js';
import type { Logger } from '../../logger.js';
import type { EventHandler } from '../event-worker.js';
import type { OperatorChat } from '../feedback-events.js';

/** Tells the club's owners in admin mode that a webhook endpoint was switched off, why, and how to turn it back on. */
export function webhookEndpointAlerts(deps: {
  operators: OperatorService;
  chat: OperatorChat;
  defaultLocale: Locale;
  logger: Logger;
}): EventHandler {
  return {
    name: 'webhook-endpoint-alerts',
    async handle({ merchantId, type, payload: p }) {
      if (type !== 'webhook_endpoint.disabled') return;
      const owners = (await deps.operators.list(merchantId)).filter((o) => !o.disabledAt && o.telegramUserId && o.role === 'owner');
      const locale = deps.defaultLocale;
      const t = translator(locale);
      const text =
        p.reason === 'gone'
          ? t('admin_webhooks.disabled_gone', { url: p.url, id: p.endpoint_id })
          : t('admin_webhooks.disabled_failing', {
              url: p.url,
              id: p.endpoint_id,
              since: p.failing_since ? formatDateTime(new Date(p.failing_since), locale) : '—',
            });
      for (const owner of owners)
        await deps.chat
          .send(merchantId, owner.telegramUserId!, { text })
          .catch((err: Error) => deps.logger.info({ operator: owner.id, err: err.message }, 'webhook alert not delivered'));
    },
  };
}
