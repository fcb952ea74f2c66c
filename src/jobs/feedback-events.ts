import { Queue, Worker } from 'bullmq';
import { isLocale, translator, type Locale } from '../chat/i18n.js';
import type { ClubScreens } from '../chat/club-screens.js';
import { notificationScreen } from '../chat/screens/notification-screens.js';
import { categoryLabel } from '../chat/screens/feedback-screens.js';
import { formatNumber } from '../chat/format.js';
import type { Screen } from '../chat/screens/types.js';
import { can } from '../domain/admin/permissions.js';
import type { OperatorService } from '../domain/admin/operator-service.js';
import type { SurveyService } from '../domain/feedback/survey-service.js';
import type { InboxStore } from '../domain/feedback/types.js';
import type { MemberService } from '../domain/members/member-service.js';
import type { MemberStore } from '../domain/members/types.js';
import type { Logger } from '../logger.js';
import { memberOf } from '../domain/events/catalog.js';
import type { EventHandler } from './event-worker.js';
import { KEEP, QueueName, type QueueContext } from './queues.js';

export interface SurveyJob {
  merchantId: string;
  memberId: string;
  orderId: string;
  branch: string | null;
}

/** A credited purchase schedules its survey (once per order) for `delayMinutes` later. */
export function surveyScheduler(surveys: SurveyService, queue: Queue<SurveyJob>): EventHandler {
  return {
    name: 'post-purchase-survey',
    async handle({ merchantId, type, payload: p }) {
      if (type !== 'purchase.recorded' || !p.entries.length) return;
      const delay = await surveys.postPurchaseDelayMs(merchantId);
      if (delay === null) return;
      const data: SurveyJob = { merchantId, memberId: p.member_id, orderId: p.order_id, branch: p.branch };
      await queue.add('survey', data, {
        jobId: `survey_${merchantId}_${Buffer.from(data.orderId).toString('hex').slice(0, 120)}`,
        delay,
        attempts: 5,
        backoff: { type: 'exponential', delay: 5_000 },
        ...KEEP,
      });
    },
  };
}

/** Opens the survey when its time comes: the response row's event sends the question. */
export function startSurveyWorker(
  ctx: QueueContext,
  deps: { surveys: SurveyService; memberStore: MemberStore; logger: Logger },
): Worker<SurveyJob> {
  const worker = new Worker<SurveyJob>(
    QueueName.feedback,
    async (job) => {
      const { merchantId, memberId, orderId, branch } = job.data;
      // A member who never joined in chat has nowhere to be asked.
      const reachable = (await deps.memberStore.identities(memberId)).some((i) => i.chatId && !i.unreachableAt);
      if (!reachable) return 'unreachable';
      const opened = await deps.surveys.openPostPurchase(merchantId, memberId, orderId, branch);
      return opened ? 'opened' : 'exists';
    },
    { connection: ctx.connection, prefix: ctx.prefix, concurrency: 4 },
  );
  worker.on('failed', (job, err) => deps.logger.warn({ order: job?.data.orderId, err: err.message }, 'post-purchase survey failed'));
  return worker;
}

const INBOX_KIND: Record<string, 'account' | 'support' | 'campaign'> = {
  'ticket.replied': 'support',
  'ticket.closed': 'support',
  'automation.message': 'campaign',
};

/** Keeps what members are told (account news, support replies) for "my messages". */
export function inboxRecorder(deps: {
  inbox: InboxStore;
  members: MemberService;
  screens: ClubScreens;
  defaultLocale: Locale;
}): EventHandler {
  return {
    name: 'inbox',
    async handle(event) {
      const memberId = memberOf(event);
      if (!memberId || event.type === 'survey.requested') return;
      const member = await deps.members.get(event.merchantId, memberId).catch(() => null);
      if (!member || member.status !== 'active') return;
      const locale = isLocale(member.locale) ? member.locale : deps.defaultLocale;
      const screen = notificationScreen(event, await deps.screens.context(event.merchantId, locale));
      if (!screen) return;
      await deps.inbox.add({
        merchantId: event.merchantId,
        memberId,
        kind: INBOX_KIND[event.type] ?? 'account',
        text: screen.text,
        source: `evt:${event.id}`,
      });
    },
  };
}

/** The operators' chat (Telegram's admin mode): one screen to one operator. */
export interface OperatorChat {
  send(merchantId: string, chatId: string, screen: Screen): Promise<void>;
}

/**
 * Tells the branch's managers (and owners) in admin mode about new tickets, low ratings and
 * members' answers, with a button to open the ticket.
 */
export function staffAlerts(deps: { operators: OperatorService; chat: OperatorChat; defaultLocale: Locale; logger: Logger }): EventHandler {
  return {
    name: 'staff-alerts',
    async handle({ merchantId, type, payload: p }) {
      if (type !== 'ticket.opened' && type !== 'ticket.member_replied') return;
      const branch = p.branch;
      const staff = (await deps.operators.list(merchantId)).filter(
        (o) => !o.disabledAt && o.telegramUserId && can(o.role, 'tickets') && (o.branch === null || branch === null || o.branch === branch),
      );
      if (!staff.length) return;
      const t = translator(deps.defaultLocale);
      const c = { t, locale: deps.defaultLocale } as Parameters<typeof categoryLabel>[1];
      const number = formatNumber(p.number, deps.defaultLocale);
      const where = branch ? t('admin_support.branch', { branch }) : '';
      const text =
        type === 'ticket.member_replied'
          ? t('admin_support.alert_member_replied', { number, text: p.text })
          : p.source === 'survey'
            ? t('admin_support.alert_low_rating', { number, rating: formatNumber(p.rating ?? 0, deps.defaultLocale), branch: where })
            : t('admin_support.alert_opened', { number, category: categoryLabel(p.category, c), branch: where, text: p.text });
      const screen: Screen = {
        text,
        buttons: [[{ label: t('admin_support.open'), action: { kind: 'staffTicket.view', ticketId: p.ticket_id } }]],
      };
      for (const op of staff) {
        await deps.chat
          .send(merchantId, op.telegramUserId!, screen)
          .catch((err: Error) => deps.logger.info({ operator: op.id, err: err.message }, 'staff alert not delivered'));
      }
    },
  };
}
