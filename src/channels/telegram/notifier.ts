import { isLocale, type Locale } from '../../chat/i18n.js';
import type { ClubScreens } from '../../chat/club-screens.js';
import { notificationScreen } from '../../chat/screens/notification-screens.js';
import type { MemberService } from '../../domain/members/member-service.js';
import type { SettingsProvider } from '../../domain/merchants/settings.js';
import type { MemberStore } from '../../domain/members/types.js';
import { memberOf } from '../../domain/events/catalog.js';
import type { EventHandler } from '../../jobs/event-worker.js';
import { memberNotifier, type NoticeChannel } from '../../jobs/member-notices.js';
import type { Logger } from '../../logger.js';
import { sendScreen } from './render.js';
import { botInviteLink } from '../../chat/deep-links.js';
import { chatNotFound, memberUnreachable } from './send-errors.js';
import type { TelegramChannel } from './telegram-channel.js';

type TelegramNoticeDeps = {
  telegram: TelegramChannel;
  members: MemberService;
  memberStore: MemberStore;
  screens: ClubScreens;
  settings: SettingsProvider;
  defaultLocale: Locale;
  logger: Logger;
};

/**
 * Tells a member in Telegram (or Bale: `telegram` is then the Bale bots) what happened to their account. A member who blocked the bot (403)
 * is marked unreachable and skipped until they start the bot again; either way the notice goes
 * to their next channel.
 */
export function telegramNotices(deps: TelegramNoticeDeps): NoticeChannel {
  const channel = deps.telegram.name;
  return {
    channel,
    ready: async (merchantId) => (await deps.telegram.api(merchantId)) !== null,
    async deliver(event, identity) {
      const memberId = memberOf(event)!;
      const member = await deps.members.get(event.merchantId, memberId);
      const locale = isLocale(member.locale) ? member.locale : deps.defaultLocale;
      const c = await deps.screens.context(event.merchantId, locale);
      const { referrals } = await deps.settings.get(event.merchantId);
      const username =
        event.type === 'purchase.recorded' && referrals.enabled && referrals.suggestAfterPurchase
          ? await deps.telegram.usernameOf(event.merchantId)
          : null;
      const inviteLink = username ? botInviteLink(channel, username, member.referralCode) : undefined;
      const screen = notificationScreen(event, c, { inviteLink });
      if (!screen) return 'nothing';
      const api = await deps.telegram.api(event.merchantId);
      if (!api) return 'unreachable';
      try {
        await sendScreen(api, identity.chatId, screen, c.t);
        return 'sent';
      } catch (err) {
        if (memberUnreachable(err)) {
          await deps.memberStore.markUnreachable(event.merchantId, channel, identity.externalUserId, true);
          deps.logger.info({ memberId, userId: identity.externalUserId, channel }, 'member blocked the bot; marked unreachable');
          return 'unreachable';
        }
        if (chatNotFound(err)) {
          // Not a block: the member keeps getting later messages (a retry would not find the chat).
          deps.logger.warn({ memberId, userId: identity.externalUserId, channel }, 'bot chat not found; notice skipped');
          return 'unreachable';
        }
        throw err;
      }
    },
  };
}

/** Notices for a club on Telegram only. */
export function telegramNotifier(deps: TelegramNoticeDeps): EventHandler {
  return memberNotifier({ memberStore: deps.memberStore, channels: [telegramNotices(deps)], name: 'telegram-notify' });
}
