import { isLocale, type Locale } from '../../chat/i18n.js';
import type { ClubScreens } from '../../chat/club-screens.js';
import { notificationScreen } from '../../chat/screens/notification-screens.js';
import type { MemberService } from '../../domain/members/member-service.js';
import type { MemberStore } from '../../domain/members/types.js';
import type { MerchantService } from '../../domain/merchants/merchant-service.js';
import type { SettingsProvider } from '../../domain/merchants/settings.js';
import type { EventHandler } from '../../jobs/event-worker.js';
import { memberNotifier, NoticeRegistry, type NoticeChannel } from '../../jobs/member-notices.js';
import type { WhatsAppOutbox } from '../../jobs/whatsapp-sender.js';
import { renderScreen } from './render.js';
import { shortJoinLink } from './whatsapp-chat.js';
import type { ShortLinks } from '../../domain/links/short-links.js';

type WhatsAppNoticeDeps = {
  outbox: WhatsAppOutbox;
  merchants: MerchantService;
  members: MemberService;
  memberStore: MemberStore;
  screens: ClubScreens;
  settings: SettingsProvider;
  shortLinks: ShortLinks;
  defaultLocale: Locale;
};

/**
 * Tells a member on WhatsApp what happened to their account: the same notification screens as
 * Telegram, queued on the club number's paced queue (the WhatsApp process sends them).
 */
export function whatsappNotices(deps: WhatsAppNoticeDeps): NoticeChannel {
  let numbers: { at: number; map: Map<string, string> } = { at: 0, map: new Map() };
  const numberOf = async (merchantId: string) => {
    if (Date.now() - numbers.at > 30_000)
      numbers = { at: Date.now(), map: new Map((await deps.merchants.whatsappAccounts()).map((a) => [a.merchantId, a.number])) };
    return numbers.map.get(merchantId);
  };
  return {
    name: 'whatsapp',
    ready: async (merchantId) => (await numberOf(merchantId)) !== undefined,
    async send(event, { memberId, identity }) {
      const number = await numberOf(event.merchantId);
      if (!number || !identity) return 'failed';
      const member = await deps.members.get(event.merchantId, memberId);
      const locale = isLocale(member.locale) ? member.locale : deps.defaultLocale;
      const c = await deps.screens.context(event.merchantId, locale);
      const { referrals } = await deps.settings.get(event.merchantId);
      const suggest = event.type === 'purchase.recorded' && referrals.enabled && referrals.suggestAfterPurchase;
      const screen = notificationScreen(event, c, {
        inviteLink: suggest
          ? await shortJoinLink(deps.shortLinks, event.merchantId, number, c.t, c.clubName, `r_${member.referralCode}`)
          : undefined,
      });
      if (!screen) return 'nothing';
      const view = renderScreen(screen, c.t, locale);
      await deps.outbox.notify(
        `evt${event.id}_${identity.externalUserId.replace(/[^A-Za-z0-9]/g, '')}`,
        view.messages.map((m, i) => ({
          merchantId: event.merchantId,
          chatId: identity.chatId,
          externalUserId: identity.externalUserId,
          text: m.text,
          png: m.image?.png?.toString('base64'),
          imageUrl: m.image?.url,
          cold: false,
          ...(i === view.messages.length - 1 ? { options: view.options, optionBase: view.optionBase } : {}),
        })),
      );
      return 'sent';
    },
  };
}

/** Notices for a club on WhatsApp only. */
export function whatsappNotifier(deps: WhatsAppNoticeDeps): EventHandler {
  return memberNotifier({ memberStore: deps.memberStore, registry: new NoticeRegistry([whatsappNotices(deps)]), name: 'whatsapp-notify' });
}
